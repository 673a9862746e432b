import { INestApplication, INestApplicationContext, NestApplicationOptions } from '@nestjs/common';
import { AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiKey, Role } from '@app/auth';
import { ApiKeysRepository } from '@app/database';
import { applyServiceEnv } from './test-env';

/**
 * Boots the real api AppModule (HTTP on a random port) and optionally the results service, in this
 * process, against the real Postgres/Redis/S3 of the test environment.
 */
/** How the api builds its HTTP server and configures the app (apps/api's apiBootstrap: libs do not import apps). */
export interface ApiBootstrap {
  adapter: () => AbstractHttpAdapter;
  options: NestApplicationOptions;
  configure: (app: INestApplication) => Promise<INestApplication>;
}

export async function startApi(
  appModule: unknown,
  api: ApiBootstrap,
  env: Record<string, string> = {},
  host = '127.0.0.1',
): Promise<{ app: INestApplication; url: string; db: DataSource; key: string }> {
  applyServiceEnv(env);
  const moduleRef = await Test.createTestingModule({ imports: [appModule as never] }).compile();
  const app = await api.configure(moduleRef.createNestApplication(api.adapter(), { ...api.options, logger: ['error', 'warn'] }));
  await app.listen(0, host);
  const addr = app.getHttpServer().address() as { port: number };
  const db = app.get(DataSource);
  const key = await testKey(db, Role.Admin);
  ADMIN_KEYS.set(app, key);
  return { app, url: `http://${host}:${addr.port}`, db, key };
}

const ADMIN_KEYS = new WeakMap<INestApplication, string>();

/** A new API key of that role (and project, for members and viewers), as `densebench keys create` makes one. */
export async function testKey(db: DataSource, role: Role, projectId: string | null = null, name = `test-${role}`): Promise<string> {
  return (await createApiKey(new ApiKeysRepository(db), { name, role, projectId })).plaintext;
}

/** supertest on the app, every request sent with the admin key startApi made (or the key given). */
export function authed(app: INestApplication, key = ADMIN_KEYS.get(app)): ReturnType<typeof request> {
  if (!key) throw new Error('authed: no key for this app (start it with startApi, or pass one)');
  return request.agent(app.getHttpServer()).set('Authorization', `Bearer ${key}`) as unknown as ReturnType<typeof request>;
}

export async function startResults(resultsModule: unknown, env: Record<string, string> = {}): Promise<INestApplicationContext> {
  applyServiceEnv(env);
  const ctx = await NestFactory.createApplicationContext(resultsModule as never, { logger: ['error', 'warn'] });
  return ctx;
}

/** Empties every table between suites (keeps the schema and the migrations table). */
export async function truncateAll(db: DataSource): Promise<void> {
  await db.query('TRUNCATE samples, shards, run_benchmarks, artifacts, runs, models, workers, audit_log RESTART IDENTITY CASCADE');
}
