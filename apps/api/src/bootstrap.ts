import { INestApplication, ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '@app/config';

/** The web dashboard's build (apps/dashboard → dist/dashboard, part of npm run build). */
export const dashboardDir = (): string => join(packageRoot(__dirname), 'dist', 'dashboard');

/** Global pipes and OpenAPI, shared by main.ts and the e2e tests so both run the same app. */
export function configureApp(app: INestApplication): INestApplication {
  // lm-evaluation-harness results files (full MMLU configs) exceed Express's 100 kB default.
  (app as NestExpressApplication).useBodyParser('json', { limit: '20mb' });
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
    .setDescription('Benchmark jobs for language models, and their intelligence density')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
