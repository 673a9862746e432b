import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The environment e2e tests run with: the machine's real Postgres (a database of this jest run's own,
 * densebench_test_<pid>, created and dropped around the run) and Redis (keys under a run-specific
 * prefix), an embedded S3 server started by globalSetup, and the real data and models from ../shared
 * (overridable with DENSEBENCH_DATA_DIR / DENSEBENCH_MODELS_DIR). Several jest runs can share the
 * machine. globalSetup writes the state file and puts its path in DENSEBENCH_TEST_STATE, which the
 * test processes inherit.
 */
export const STATE_ENV = 'DENSEBENCH_TEST_STATE';
export const stateFileFor = (runId: string): string => join(tmpdir(), `densebench-test-${runId}.json`);

export interface TestState {
  runId: string;
  s3Endpoint: string;
  queuePrefix: string;
  databaseUrl: string;
  redisUrl: string;
}

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
import { DATA_DIR, MODELS_DIR } from './test-paths';
export { DATA_DIR, MODELS_DIR };
export const ENROLLMENT_TOKEN = 'test-enrollment-token-0123456789';

export function readState(): TestState {
  const file = process.env[STATE_ENV];
  if (!file || !existsSync(file)) throw new Error(`no e2e test state (${STATE_ENV}=${file}): run e2e tests through jest (globalSetup)`);
  return JSON.parse(readFileSync(file, 'utf8')) as TestState;
}

/** Environment variables for the services under test (in-process apps and spawned workers). */
export function serviceEnv(extra: Record<string, string> = {}): Record<string, string> {
  const st = readState();
  return {
    DATABASE_URL: st.databaseUrl,
    REDIS_URL: st.redisUrl,
    QUEUE_PREFIX: st.queuePrefix,
    S3_ENDPOINT: st.s3Endpoint,
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
    S3_BUCKET: 'densebench-test',
    ENROLLMENT_TOKEN,
    DENSEBENCH_DATA_DIR: DATA_DIR,
    DENSEBENCH_MODELS_DIR: MODELS_DIR,
    DENSEBENCH_HOME: join(tmpdir(), 'densebench-test-home'),
    DB_SKIP_MIGRATIONS: 'true',
    LOG_LEVEL: 'warn',
    // Fitting the built-in reference costs seconds of CPU at every results start: only its own tests ask for it.
    DENSEBENCH_BUILTIN_REFERENCES: 'none',
    // Tests poll fast; the rate limit has its own test.
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    ...extra,
  };
}

/** Applies serviceEnv() to this process, for apps booted in-process by a test. */
export function applyServiceEnv(extra: Record<string, string> = {}): void {
  Object.assign(process.env, serviceEnv(extra));
}
