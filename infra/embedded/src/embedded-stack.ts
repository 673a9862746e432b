import exitHook from 'async-exit-hook';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { childEnv, EnvVars, launchedByNpm, loadEnv, pathsConfigFrom, watchParent } from '@app/config';
import { reuseOrCreateApiKey, Role } from '@app/auth';
import { ApiKeysRepository, dataSourceOptions, runMigrations } from '@app/database';
import { DataSource } from 'typeorm';
import { startEmbeddedPostgres } from './embedded-postgres';
import { startEmbeddedRedis, waitForPort } from './embedded-redis';
import { startEmbeddedS3 } from './embedded-s3';
import { freePort } from './free-port';
import { serviceEntry, type ServiceApp } from './service-entry';
import { ServiceLogs } from './service-logs';

export interface StackOptions {
  workers: number;
  pools: string[];
  apiPort?: number;
  /** Where logs, the embedded database and the embedded bucket live (default DENSEBENCH_HOME). */
  home?: string;
  /** Send service logs to the console instead of files under <home>/logs. */
  verbose?: boolean;
  /** An admin API key from an earlier start, reused when it is still valid in this database. */
  apiKey?: string;
  say?: (line: string) => void;
}

export interface Stack {
  apiUrl: string;
  /** An admin API key of this stack's database (opts.apiKey when still valid, else a new one). */
  apiKey: string;
  /** True when apiKey was made by this start (show it once). */
  apiKeyCreated: boolean;
  enrollmentToken: string;
  logsDir: string;
  env: Record<string, string>;
  /** The service processes started (api, results, worker-N), for monitoring. */
  processes: Array<{ name: string; pid: number }>;
  stop(): Promise<void>;
}


/**
 * The whole service on one machine: Postgres, Redis and S3 (each embedded unless DATABASE_URL,
 * REDIS_URL or S3_ENDPOINT points at a real one), then the api, results and worker processes,
 * exactly as they run in production.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const say = opts.say ?? (() => undefined);
  const env: EnvVars = loadEnv();
  const paths = pathsConfigFrom(env);
  const home = resolve(opts.home ?? paths.home);
  const logsDir = join(home, 'logs');
  const logs = new ServiceLogs(logsDir);
  const stops: Array<() => Promise<void>> = [];
  const children: ChildProcess[] = [];
  const processes: Array<{ name: string; pid: number }> = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all(children.map((c) => stopChild(c)));
      for (const s of stops.reverse()) await s().catch(() => undefined);
      await logs.close();
    })());
  // Ctrl-C, SIGTERM or SIGHUP to this process alone (not its group) must not leave the services running:
  // async-exit-hook (embedded-postgres stops its clusters through it too) waits for this before exiting.
  exitHook((done) => {
    if (!stopping) say('interrupted: stopping the services …');
    void stop().finally(done);
  });
  exitHook.forceExitTimeout(STOP_TIMEOUT_MS + 5_000);
  // Under npx or npm run, a SIGTERM to npm ends the shell between npm and this process, not this process:
  // once its parent is gone, it stops as on a SIGTERM of its own (through the exit hook above).
  if (launchedByNpm()) watchParent(() => process.kill(process.pid, 'SIGTERM'));

  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      say('starting embedded PostgreSQL …');
      const pg = await startEmbeddedPostgres(join(home, 'postgres'), (m) => logs.line('postgres', m));
      stops.push(pg.stop);
      databaseUrl = pg.url;
    }
    let redisUrl = env.REDIS_URL;
    if (!redisUrl) {
      say('starting redis-server …');
      const redis = await startEmbeddedRedis(join(home, 'redis'));
      stops.push(redis.stop);
      redisUrl = redis.url;
    }
    const s3: Record<string, string> = {};
    if (!env.S3_ENDPOINT && !env.S3_ACCESS_KEY_ID) {
      say('starting embedded S3 server …');
      const srv = await startEmbeddedS3(join(home, 's3'));
      stops.push(srv.stop);
      Object.assign(s3, { S3_ENDPOINT: srv.endpoint, S3_ACCESS_KEY_ID: srv.accessKeyId, S3_SECRET_ACCESS_KEY: srv.secretAccessKey, S3_FORCE_PATH_STYLE: 'true' });
    }
    say('migrating the database …');
    await runMigrations(databaseUrl);
    const admin = await adminKey(databaseUrl, opts.apiKey);

    // Port 0 (API_PORT=0): any free port.
    const apiPort = opts.apiPort || (await freePort());
    const enrollmentToken = env.ENROLLMENT_TOKEN ?? randomBytes(24).toString('base64url');
    const shared: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      DB_SKIP_MIGRATIONS: 'true',
      REDIS_URL: redisUrl,
      ...s3,
      ENROLLMENT_TOKEN: enrollmentToken,
      API_PORT: String(apiPort),
      API_HOST: '127.0.0.1',
      API_URL: `http://127.0.0.1:${apiPort}`,
      // With the environment (DENSEBENCH_DATA_DIR, DENSEBENCH_MODELS_DIR, HF_*) passed on, every service looks
      // data and models up in the same folders as this process (pathsConfigFrom) and shares its Hub cache.
      DENSEBENCH_HOME: home,
      // Every service would print the AWS SDK's notice about Node versions; the stack says it once (below).
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const launch = (name: string, app: ServiceApp, extra: Record<string, string> = {}) => {
      const child = spawn(process.execPath, [serviceEntry(app)], {
        env: childEnv({ ...shared, ...extra }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      logs.pipe(child, name, opts.verbose ?? false);
      children.push(child);
      if (child.pid !== undefined) processes.push({ name, pid: child.pid });
      return child;
    };
    if (Number(process.versions.node.split('.')[0]) < 22) {
      logs.line('stack', `note: AWS SDK for JavaScript releases after January 2027 need Node.js ≥ 22; this is Node.js ${process.versions.node}`);
    }
    say('starting api, results and workers …');
    const api = launch('api', 'api');
    await waitForPort(apiPort, 60_000, () => (api.exitCode !== null ? `the api exited (code ${api.exitCode}); see ${join(logsDir, 'api.log')}` : null));
    launch('results', 'results');
    for (let i = 0; i < opts.workers; i++) {
      launch(`worker-${i + 1}`, 'worker', { WORKER_NAME: `local-worker-${i + 1}`, WORKER_POOLS: opts.pools.join(',') });
    }
    return { apiUrl: `http://127.0.0.1:${apiPort}`, apiKey: admin.plaintext, apiKeyCreated: admin.created, enrollmentToken, logsDir, env: shared, processes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** How long a service may take to stop (a worker lets its running shards finish first) before it is killed. */
const STOP_TIMEOUT_MS = 40_000;

function stopChild(child: ChildProcess, timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The stack's admin key: the one given when it is still valid here, else a new one. */
async function adminKey(databaseUrl: string, existing: string | undefined): Promise<{ plaintext: string; created: boolean }> {
  const db = await new DataSource(dataSourceOptions(databaseUrl, 1)).initialize();
  try {
    return await reuseOrCreateApiKey(new ApiKeysRepository(db), existing, { name: 'densebench up (admin)', role: Role.Admin });
  } finally {
    await db.destroy();
  }
}
