import { registerAs } from '@nestjs/config';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { EnvVars, loadEnv } from './env.schema';
import { kitDir, packageRoot } from './install-paths';

export interface DbConfig {
  url: string;
  poolSize: number;
  skipMigrations: boolean;
}
export interface RedisConfig {
  url: string;
  prefix: string;
}
export interface S3Config {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  /** Default 60 s (S3_RETRY_FOR_MS). */
  retryForMs?: number;
}
export interface QueueConfig {
  shardLockDurationMs: number;
  shardStalledIntervalMs: number;
  shardMaxStalledCount: number;
  shardAttempts: number;
  shardBackoffMs: number;
  shutdownTimeoutMs: number;
  rowsHandoffMaxBytes: number;
  reconcileEveryMs: number;
  reconcileGraceMs: number;
}
export interface ApiConfig {
  port: number;
  host: string;
  enrollmentToken?: string;
  workerLostAfterMs: number;
  /** Endpoint groups answered without a key: 'health', 'metrics'. */
  openEndpoints: string[];
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  corsOrigins: string[];
  sources: ModelSourcePolicy;
}
/** Where a model may come from: the models folders for paths; for URLs, these hosts and address ranges. */
export interface ModelSourcePolicy {
  /** Hosts a URL may name; ['*']: any. */
  allowedHosts: string[];
  allowPrivateAddresses: boolean;
  /** Variables an openai model's apiKeyEnv may name. */
  allowedApiKeyEnvs: string[];
}
export interface WorkerConfig {
  apiUrl: string;
  name?: string;
  pools: string[];
  backends: string[];
  concurrency: number;
  heartbeatMs: number;
  enrollmentToken?: string;
  costPerHour?: number;
  modelCacheDir: string;
  threads?: number;
  codeSandbox: 'auto' | 'bubblewrap' | 'firejail' | 'none' | 'off';
  sources: ModelSourcePolicy;
  allowUnsafeCode: boolean;
  requestCache: { enabled: boolean; ttlSeconds: number };
  openai: { timeoutMs: number; maxRetries: number; backoffMs: number; concurrency: number };
}
export interface PathsConfig {
  home: string;
  /** Folders a relative data path is looked up in, in order: the first holding the file wins. */
  dataRoots: string[];
  /** The same for model files. */
  modelRoots: string[];
}
/** A Hugging Face Hub and the local cache of its files (huggingface_hub's layout, shared with it). */
export interface HubConfig {
  endpoint: string;
  token?: string;
  cacheDir: string;
}

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

export const modelSourcePolicyFrom = (env: EnvVars): ModelSourcePolicy => ({
  allowedHosts: list(env.WORKER_ALLOWED_MODEL_HOSTS).map((h) => h.toLowerCase()),
  allowPrivateAddresses: env.WORKER_ALLOW_PRIVATE_ADDRESSES,
  allowedApiKeyEnvs: list(env.WORKER_ALLOWED_API_KEY_ENVS),
});

/** Throws only when a database is actually needed (the worker has none). */
export const requireDatabaseUrl = (db: DbConfig): string => {
  if (!db.url) throw new Error('DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/densebench)');
  return db.url;
};
export const dbConfigFrom = (env: EnvVars): DbConfig => ({
  url: env.DATABASE_URL ?? '',
  poolSize: env.DB_POOL_SIZE,
  skipMigrations: env.DB_SKIP_MIGRATIONS,
});
export const redisConfigFrom = (env: EnvVars): RedisConfig => ({ url: env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: env.QUEUE_PREFIX });
export const s3ConfigFrom = (env: EnvVars): S3Config => ({
  endpoint: env.S3_ENDPOINT,
  region: env.S3_REGION,
  bucket: env.S3_BUCKET,
  accessKeyId: env.S3_ACCESS_KEY_ID,
  secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  forcePathStyle: env.S3_FORCE_PATH_STYLE ?? Boolean(env.S3_ENDPOINT),
  retryForMs: env.S3_RETRY_FOR_MS,
});
export const queueConfigFrom = (env: EnvVars): QueueConfig => ({
  shardLockDurationMs: env.SHARD_LOCK_DURATION_MS,
  shardStalledIntervalMs: env.SHARD_STALLED_INTERVAL_MS,
  shardMaxStalledCount: env.SHARD_MAX_STALLED_COUNT,
  shardAttempts: env.SHARD_ATTEMPTS,
  shardBackoffMs: env.SHARD_BACKOFF_MS,
  shutdownTimeoutMs: env.WORKER_SHUTDOWN_TIMEOUT_MS,
  rowsHandoffMaxBytes: env.ROWS_HANDOFF_MAX_BYTES,
  reconcileEveryMs: env.RECONCILE_EVERY_MS,
  reconcileGraceMs: env.RECONCILE_GRACE_MS,
});
export const apiConfigFrom = (env: EnvVars): ApiConfig => ({
  port: env.API_PORT,
  host: env.API_HOST,
  enrollmentToken: env.ENROLLMENT_TOKEN,
  workerLostAfterMs: env.WORKER_LOST_AFTER_MS,
  openEndpoints: list(env.API_OPEN_ENDPOINTS),
  rateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
  bodyLimitBytes: env.API_BODY_LIMIT_BYTES,
  corsOrigins: env.API_CORS_ORIGINS ? list(env.API_CORS_ORIGINS) : [],
  sources: modelSourcePolicyFrom(env),
});
/**
 * Where relative data and model paths are looked up, in order (the first folder holding the file
 * wins): DENSEBENCH_DATA_DIR / DENSEBENCH_MODELS_DIR when set; ../shared/{data,models} beside the
 * checkout (the layout of this project's development machines); DENSEBENCH_HOME/{data,models}
 * (~/.densebench); the demo kit committed in infra/embedded/kit. Folders are located from the
 * installed package, never from the working directory, so every process resolves alike.
 */
export const pathsConfigFrom = (env: EnvVars, root: string = packageRoot()): PathsConfig => {
  const home = resolve(env.DENSEBENCH_HOME ?? join(homedir(), '.densebench'));
  const roots = (explicit: string | undefined, sub: 'data' | 'models') =>
    unique([explicit ? resolve(explicit) : undefined, resolve(root, '..', 'shared', sub), join(home, sub), join(kitDir(root), sub)]);
  return { home, dataRoots: roots(env.DENSEBENCH_DATA_DIR, 'data'), modelRoots: roots(env.DENSEBENCH_MODELS_DIR, 'models') };
};

const unique = (xs: Array<string | undefined>): string[] => [...new Set(xs.filter((x): x is string => Boolean(x)))];

/** Hugging Face's own variables, with huggingface_hub's defaults: its cache is shared with Python tools. */
export const hubConfigFrom = (env: EnvVars): HubConfig => {
  const hfHome = resolve(env.HF_HOME ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'huggingface'));
  return {
    endpoint: (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    token: env.HF_TOKEN || undefined,
    cacheDir: resolve(env.HF_HUB_CACHE ?? join(hfHome, 'hub')),
  };
};

/** The environment for a child process: this process's environment plus overrides. */
export function childEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
export const workerConfigFrom = (env: EnvVars): WorkerConfig => ({
  apiUrl: env.API_URL.replace(/\/+$/, ''),
  name: env.WORKER_NAME,
  pools: list(env.WORKER_POOLS),
  backends: list(env.WORKER_BACKENDS),
  concurrency: env.WORKER_CONCURRENCY,
  heartbeatMs: env.WORKER_HEARTBEAT_MS,
  enrollmentToken: env.ENROLLMENT_TOKEN,
  costPerHour: env.WORKER_COST_PER_HOUR,
  modelCacheDir: resolve(env.WORKER_MODEL_CACHE_DIR ?? join(pathsConfigFrom(env).home, 'model-cache')),
  threads: env.WORKER_THREADS,
  codeSandbox: env.WORKER_CODE_SANDBOX as WorkerConfig['codeSandbox'],
  allowUnsafeCode: env.DENSEBENCH_ALLOW_UNSAFE_CODE,
  requestCache: { enabled: env.WORKER_REQUEST_CACHE === 'on', ttlSeconds: env.WORKER_REQUEST_CACHE_TTL_S },
  openai: {
    timeoutMs: env.WORKER_OPENAI_TIMEOUT_MS,
    maxRetries: env.WORKER_OPENAI_MAX_RETRIES,
    backoffMs: env.WORKER_OPENAI_BACKOFF_MS,
    concurrency: env.WORKER_OPENAI_CONCURRENCY,
  },
  sources: modelSourcePolicyFrom(env),
});

export const dbConfig = registerAs('db', () => dbConfigFrom(loadEnv()));
export const redisConfig = registerAs('redis', () => redisConfigFrom(loadEnv()));
export const s3Config = registerAs('s3', () => s3ConfigFrom(loadEnv()));
export const queueConfig = registerAs('queue', () => queueConfigFrom(loadEnv()));
export const apiConfig = registerAs('api', () => apiConfigFrom(loadEnv()));
export const workerConfig = registerAs('worker', () => workerConfigFrom(loadEnv()));
export const pathsConfig = registerAs('paths', () => pathsConfigFrom(loadEnv()));
export const hubConfig = registerAs('hub', () => hubConfigFrom(loadEnv()));
