import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { applyServiceEnv } from './test-env';

/**
 * Boots the real api AppModule (HTTP on a random port) and optionally the results service, in this
 * process, against the real Postgres/Redis/S3 of the test environment.
 */
export async function startApi(
  appModule: unknown,
  configure: (app: INestApplication) => INestApplication,
  env: Record<string, string> = {},
  host = '127.0.0.1',
): Promise<{ app: INestApplication; url: string; db: DataSource }> {
  applyServiceEnv(env);
  const moduleRef = await Test.createTestingModule({ imports: [appModule as never] }).compile();
  const app = configure(moduleRef.createNestApplication({ logger: ['error', 'warn'] }));
  await app.listen(0, host);
  const addr = app.getHttpServer().address() as { port: number };
  return { app, url: `http://${host}:${addr.port}`, db: app.get(DataSource) };
}

export async function startResults(resultsModule: unknown, env: Record<string, string> = {}): Promise<INestApplicationContext> {
  applyServiceEnv(env);
  const ctx = await NestFactory.createApplicationContext(resultsModule as never, { logger: ['error', 'warn'] });
  return ctx;
}

/** Empties every table between suites (keeps the schema and the migrations table). */
export async function truncateAll(db: DataSource): Promise<void> {
  await db.query('TRUNCATE samples, shards, run_benchmarks, artifacts, runs, models, workers RESTART IDENTITY CASCADE');
}
