import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { register } from 'tsconfig-paths';
import { REPO_ROOT, STATE_ENV, stateFileFor, TestState } from './test-env';

// jest applies its moduleNameMapper to test files, not to globalSetup: resolve the @app/* aliases from
// tsconfig.json here, so setup runs the migrations and the S3 server of the source under test.
register({ baseUrl: REPO_ROOT, paths: (require('../../../tsconfig.json') as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths });
const { runMigrations } = require('@app/database') as typeof import('@app/database');
const { startEmbeddedS3 } = require('@app/embedded') as typeof import('@app/embedded');

const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_PREFIX = 'densebench_test_';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Once per jest run: a fresh test database with the real migrations, and an embedded S3 server. */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`e2e tests need PostgreSQL at ${ADMIN_URL} (start it, or set TEST_PG_ADMIN_URL): ${(err as Error).message}`);
  }
  const runId = String(process.pid);
  const database = `${DB_PREFIX}${runId}`;
  // Databases left by runs that died without their teardown (their process is gone).
  const stale = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${DB_PREFIX}%`]);
  for (const { datname } of stale.rows as Array<{ datname: string }>) {
    const pid = Number(datname.slice(DB_PREFIX.length));
    if (datname === database || !Number.isInteger(pid) || !alive(pid)) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const adminUrl = new URL(ADMIN_URL);
  adminUrl.pathname = `/${database}`;
  const databaseUrl = adminUrl.toString();
  await runMigrations(databaseUrl);

  const s3 = await startEmbeddedS3(await mkdtemp(join(tmpdir(), 'densebench-s3-')));
  (globalThis as { __densebenchS3?: { stop(): Promise<void> } }).__densebenchS3 = s3;
  const state: TestState = {
    runId,
    s3Endpoint: s3.endpoint,
    queuePrefix: `dbtest-${runId}`,
    databaseUrl,
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
  const file = stateFileFor(runId);
  writeFileSync(file, JSON.stringify(state));
  process.env[STATE_ENV] = file;
}
