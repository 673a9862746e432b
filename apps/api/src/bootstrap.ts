import { INestApplication, NestApplicationOptions, ValidationPipe } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { apiConfigFrom, loadEnv, packageRoot } from '@app/config';
import { AuditRecorder } from './auth/audit-recorder';
import { registerBodyParsers } from './common/body-parsers';

/** The web dashboard's build (apps/dashboard → dist/dashboard, part of npm run build). */
export const dashboardDir = (): string => join(packageRoot(__dirname), 'dist', 'dashboard');

/**
 * The api's HTTP server: Fastify (a fleet's heartbeats and claims are most of the api's traffic, and Fastify's
 * routing and body parsing cost a third less CPU a request than Express's: BENCHMARKS.md section 10).
 */
export function apiAdapter(): FastifyAdapter {
  const cfg = apiConfigFrom(loadEnv());
  // lm-evaluation-harness results files (full MMLU configs) exceed the usual 1 MB default: the limit is configured.
  return new FastifyAdapter({ bodyLimit: cfg.bodyLimitBytes, trustProxy: 'loopback,linklocal,uniquelocal' });
}

/** Global pipes, body parsers, security headers, CORS, the audit log and OpenAPI, shared by main.ts and the e2e tests so both run the same app. */
export async function configureApp(nest: INestApplication): Promise<INestApplication> {
  const cfg = apiConfigFrom(loadEnv());
  const app = nest as NestFastifyApplication;
  const fastify = app.getHttpAdapter().getInstance();
  registerBodyParsers(fastify);
  // Helmet's middleware built once and run on the raw response of every request (@fastify/helmet builds it again for
  // each request: 4 % of the api's CPU under a fleet's heartbeats).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'blob:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"], connectSrc: ["'self'", 'data:'] },
    },
  });
  fastify.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));
  app.get(AuditRecorder).register(fastify);
  // CORS stays off (no Access-Control-* headers) unless origins are configured.
  if (cfg.corsOrigins.length) app.enableCors({ origin: cfg.corsOrigins, allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'] });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
    }),
  );
  app.enableShutdownHooks();
  // The dashboard's files at / (index.html, hashed assets); the API's own routes stay under /v1, /docs, /health and
  // /metrics (a route of the API wins over a file of the same path; a path that is neither is the API's 404).
  if (existsSync(join(dashboardDir(), 'index.html'))) app.useStaticAssets({ root: dashboardDir(), prefix: '/', index: 'index.html' });
  const doc = new DocumentBuilder()
    .setTitle('densebench')
    .setDescription(
      'Benchmark jobs for language models, and their intelligence density. Every endpoint takes an API key as ' +
        '"Authorization: Bearer dbk_…" (workers: their own credential); health may be open.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addSecurityRequirements('bearer')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/**
 * What main.ts and the e2e tests build the api with: its HTTP adapter, the application's options (the body parsers
 * are registerBodyParsers', not Nest's defaults) and the configuration above.
 */
export const apiBootstrap = { adapter: apiAdapter, options: { bodyParser: false } satisfies NestApplicationOptions, configure: configureApp };
