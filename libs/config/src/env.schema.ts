import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
const URL_OPTS = { require_tld: false, require_protocol: true };

/** Every environment variable densebench reads, validated once at boot. */
export class EnvVars {
  @IsOptional() @IsString() NODE_ENV?: string;
  @IsOptional() @IsIn(['error', 'warn', 'log', 'debug', 'verbose']) LOG_LEVEL: string = 'log';

  // --- Postgres
  @IsOptional() @IsUrl({ ...URL_OPTS, protocols: ['postgres', 'postgresql'] }) DATABASE_URL?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() DB_SKIP_MIGRATIONS: boolean = false;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) DB_POOL_SIZE: number = 10;

  // --- Redis / BullMQ
  @IsOptional() @IsUrl({ ...URL_OPTS, protocols: ['redis', 'rediss'] }) REDIS_URL?: string;
  @IsOptional() @IsString() @MinLength(1) QUEUE_PREFIX: string = 'densebench';
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) SHARD_LOCK_DURATION_MS: number = 120_000;
  @IsOptional() @Transform(toInt) @IsInt() @Min(500) SHARD_STALLED_INTERVAL_MS: number = 30_000;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(5) SHARD_MAX_STALLED_COUNT: number = 2;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(20) SHARD_ATTEMPTS: number = 3;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) SHARD_BACKOFF_MS: number = 2_000;
  /** On SIGTERM a worker gives its running shards this long to finish, then releases them to the queue. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) WORKER_SHUTDOWN_TIMEOUT_MS: number = 30_000;
  /** Rows objects up to this size (bytes, gzipped) also go from worker to results service through Redis; 0 = off. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1024 * 1024) ROWS_HANDOFF_MAX_BYTES: number = 64 * 1024;
  /** The results service rebuilds lost queue state from Postgres this often (the reconciler). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(200) RECONCILE_EVERY_MS: number = 30_000;
  /** A run younger than this is left to its submitter's enqueue (still in flight) by the reconciler. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) RECONCILE_GRACE_MS: number = 60_000;

  // --- S3
  @IsOptional() @IsUrl(URL_OPTS) S3_ENDPOINT?: string;
  @IsOptional() @IsString() S3_REGION: string = 'us-east-1';
  @IsOptional() @IsString() @MinLength(3) S3_BUCKET: string = 'densebench';
  @IsOptional() @IsString() S3_ACCESS_KEY_ID?: string;
  @IsOptional() @IsString() S3_SECRET_ACCESS_KEY?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() S3_FORCE_PATH_STYLE?: boolean;
  /** Uploads and reads retry with exponential backoff this long while the S3 server is unreachable or answers 5xx. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) S3_RETRY_FOR_MS: number = 60_000;

  // --- API
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) API_PORT: number = 3000;
  @IsOptional() @IsString() API_HOST: string = '0.0.0.0';
  @IsOptional() @IsString() @MinLength(8) ENROLLMENT_TOKEN?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1000) WORKER_LOST_AFTER_MS: number = 60_000;
  /** Endpoints answered without an API key, comma-separated: health, metrics (default: health). */
  @IsOptional() @IsString() API_OPEN_ENDPOINTS: string = 'health';
  /** Requests per minute per API key (per address without one). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) API_RATE_LIMIT_PER_MINUTE: number = 1200;
  /** Largest request body (bytes); lm-eval results files of full MMLU runs are a few MB. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) API_BODY_LIMIT_BYTES: number = 20 * 1024 * 1024;
  /** Origins allowed to call the API from a browser, comma-separated; unset: CORS off. */
  @IsOptional() @IsString() API_CORS_ORIGINS?: string;

  // --- Worker agent
  @IsOptional() @IsUrl(URL_OPTS) API_URL: string = 'http://127.0.0.1:3000';
  @IsOptional() @IsString() WORKER_NAME?: string;
  @IsOptional() @IsString() WORKER_POOLS: string = 'cpu';
  @IsOptional() @IsString() WORKER_BACKENDS: string = 'llama-cpp';
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(64) WORKER_CONCURRENCY: number = 1;
  @IsOptional() @Transform(toInt) @IsInt() @Min(200) WORKER_HEARTBEAT_MS: number = 5_000;
  @IsOptional() @Transform(toInt) @IsNumber() @Min(0) WORKER_COST_PER_HOUR?: number;
  @IsOptional() @IsString() WORKER_MODEL_CACHE_DIR?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) WORKER_THREADS?: number;
  /** Isolation for model-written code (HumanEval, MBPP): auto | bubblewrap | firejail | none | off. */
  @IsOptional() @IsIn(['auto', 'bubblewrap', 'firejail', 'none', 'off']) WORKER_CODE_SANDBOX: string = 'auto';
  /** Run model-written code without isolation (driver none). Refused unless set. */
  @IsOptional() @Transform(toBool) @IsBoolean() DENSEBENCH_ALLOW_UNSAFE_CODE: boolean = false;
  /** Request cache shared by the fleet in Redis (keys under QUEUE_PREFIX): on | off. */
  @IsOptional() @IsIn(['on', 'off']) WORKER_REQUEST_CACHE: string = 'off';
  /** Lifetime of a request-cache entry (seconds); default 7 days. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) WORKER_REQUEST_CACHE_TTL_S: number = 7 * 24 * 3600;
  /** openai backend: per-request timeout (ms), unless the model's backend spec sets timeoutMs. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) WORKER_OPENAI_TIMEOUT_MS: number = 300_000;
  /** openai backend: retries after the first attempt on 429, 5xx, timeouts and connection errors. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(20) WORKER_OPENAI_MAX_RETRIES: number = 5;
  /** openai backend: first retry delay (ms); doubles per retry, with jitter, capped at 30 s. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) WORKER_OPENAI_BACKOFF_MS: number = 500;
  /** openai backend: requests in flight per model, unless the model's backend spec sets maxConcurrency. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1024) WORKER_OPENAI_CONCURRENCY: number = 8;
  /** Hosts a model URL may name (https, s3, hf), comma-separated; '*' any; default huggingface.co and its CDN. */
  @IsOptional() @IsString() WORKER_ALLOWED_MODEL_HOSTS: string = 'huggingface.co,cdn-lfs.huggingface.co,cdn-lfs.hf.co,cas-bridge.xethub.hf.co';
  /** Let model URLs reach private, loopback and link-local addresses (an in-house mirror). */
  @IsOptional() @Transform(toBool) @IsBoolean() WORKER_ALLOW_PRIVATE_ADDRESSES: boolean = false;
  /** Environment variables an openai model's apiKeyEnv may name on this worker, comma-separated. */
  @IsOptional() @IsString() WORKER_ALLOWED_API_KEY_ENVS: string = 'OPENAI_API_KEY';

  // --- Density
  /** Built-in reference families the results service installs and keeps fitted: 'pythia' (default) or 'none'. */
  @IsOptional() @IsIn(['pythia', 'none']) DENSEBENCH_BUILTIN_REFERENCES: string = 'pythia';

  // --- Data and models
  @IsOptional() @IsString() DENSEBENCH_DATA_DIR?: string;
  @IsOptional() @IsString() DENSEBENCH_MODELS_DIR?: string;
  @IsOptional() @IsString() DENSEBENCH_HOME?: string;

  // --- Hugging Face Hub (hf:// paths; the same variables as huggingface_hub)
  /** Another Hub, e.g. a mirror (default https://huggingface.co). */
  @IsOptional() @IsUrl(URL_OPTS) HF_ENDPOINT?: string;
  /** Sent as a bearer token (gated and private repositories). */
  @IsOptional() @IsString() HF_TOKEN?: string;
  /** Hugging Face's folder (default $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface). */
  @IsOptional() @IsString() HF_HOME?: string;
  /** The Hub file cache (default $HF_HOME/hub). */
  @IsOptional() @IsString() HF_HUB_CACHE?: string;
  @IsOptional() @IsString() XDG_CACHE_HOME?: string;
}

/** Validates an environment (process.env by default) and returns it typed; throws one readable error. */
export function validateEnv(raw: Record<string, unknown>): EnvVars {
  const env = plainToInstance(EnvVars, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}

/**
 * A secret from an environment variable named at run time (an openai model's apiKeyEnv). Read here,
 * like every variable; callers never log the value.
 */
export function readSecretEnv(name: string): string | undefined {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`"${name}" is not an environment variable name`);
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** The only place that reads process.env (with readSecretEnv). */
export function loadEnv(overrides: Record<string, string | undefined> = {}): EnvVars {
  return validateEnv({ ...process.env, ...overrides });
}
