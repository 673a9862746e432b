import { INestApplication, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { apiConfigFrom, loadEnv, packageRoot } from '@app/config';

/** The web dashboard's build (apps/dashboard → dist/dashboard, part of npm run build). */
export const dashboardDir = (): string => join(packageRoot(__dirname), 'dist', 'dashboard');

/** Global pipes, security headers, CORS and OpenAPI, shared by main.ts and the e2e tests so both run the same app. */
export function configureApp(app: INestApplication): INestApplication {
  const cfg = apiConfigFrom(loadEnv());
  const express = app as NestExpressApplication;
  // lm-evaluation-harness results files (full MMLU configs) exceed Express's 100 kB default.
  express.useBodyParser('json', { limit: cfg.bodyLimitBytes });
  express.set('trust proxy', 'loopback, linklocal, uniquelocal');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'blob:'], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"], connectSrc: ["'self'", 'data:'] },
      },
    }),
  );
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
  // The dashboard's files at / (index.html, hashed assets); the API's own routes stay under /v1, /docs, /health and /metrics.
  if (existsSync(join(dashboardDir(), 'index.html'))) (app as NestExpressApplication).useStaticAssets(dashboardDir(), { index: 'index.html', fallthrough: true });
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
