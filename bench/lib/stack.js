'use strict';
/*
 * The service for the benchmarks: the embedded stack (infra/embedded, `densebench up`) with its api,
 * results and worker processes, against the machine's PostgreSQL (a scratch database of the benchmark's
 * own, migrated through the real migrations) and Redis (keys under a prefix of the benchmark's own), and
 * the embedded S3 server in this process, as `densebench up` hosts it.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { DATA_DIR, MODELS_DIR, dist, sleep } = require('./common');

const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379';

function dbUrl(database) {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates (or recreates with fresh=true) a scratch database migrated through migrations/; returns its URL. */
async function scratchDatabase(database, { fresh = true } = {}) {
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount > 0;
  if (exists && fresh) await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
  if (!exists || fresh) await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = dbUrl(database);
  await dist('libs/database/src/migrate').runMigrations(url);
  return url;
}

async function dropDatabase(database) {
  const admin = new Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}

/** Deletes every Redis key under a prefix. */
async function clearRedisPrefix(prefix) {
  const Redis = require('ioredis');
  const r = new Redis(REDIS_URL, { lazyConnect: true });
  await r.connect();
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await r.del(...keys);
  } while (cursor !== '0');
  await r.quit();
}

/** A process that exists and is not a zombie. */
function running(pid) {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A tiny REST client. */
function client(baseUrl, alive = () => null, apiKey = undefined) {
  const request = async (method, p, body, headers = {}) => {
    const res = await fetch(`${baseUrl}${p}`, {
      method,
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : {};
    if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${text.slice(0, 500)}`);
    return json;
  };
  return {
    get: (p) => request('GET', p),
    post: (p, body, headers) => request('POST', p, body, headers),
    /** Polls GET /v1/runs/:id until the run ends. */
    async waitRun(id, { timeoutMs = 3_600_000, pollMs = 100 } = {}) {
      const t0 = Date.now();
      for (;;) {
        const run = await request('GET', `/v1/runs/${id}`);
        if (['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
        const dead = alive();
        if (dead) throw new Error(`${dead} exited while run ${id} was ${run.status}`);
        if (Date.now() - t0 > timeoutMs) throw new Error(`run ${id} did not end within ${timeoutMs} ms (${run.status}, ${run.progress.done}/${run.progress.total})`);
        await sleep(pollMs);
      }
    },
    /** Registers a GGUF model of the models directory (or returns the one registered under that name). */
    async model(name, file, paramsTotal) {
      const found = await request('GET', `/v1/models?name=${encodeURIComponent(name)}`);
      if (found.items.length) return found.items[0].id;
      return (await request('POST', '/v1/models', { name, paramsTotal, backend: { kind: 'llama-cpp', path: file } })).id;
    },
  };
}

/**
 * Starts the embedded stack on a scratch database. name: the benchmark's name (database
 * densebench_bench_<name>, Redis prefix bench-<name>-<pid>). env: extra environment of every service
 * (e.g. WORKER_BACKENDS). keepDatabase: reuse the database if it exists (and keep it at stop).
 */
async function startBenchStack({ name, workers = 1, env = {}, keepDatabase = false, home, verbose = false }) {
  const database = `densebench_bench_${name.replace(/[^a-z0-9_]/g, '_')}`;
  const databaseUrl = await scratchDatabase(database, { fresh: !keepDatabase });
  const prefix = `bench-${name}-${process.pid}`;
  const benchHome = home ?? fs.mkdtempSync(path.join(os.tmpdir(), `densebench-bench-${name}-`));
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    DENSEBENCH_HOME: benchHome,
    DENSEBENCH_DATA_DIR: DATA_DIR,
    DENSEBENCH_MODELS_DIR: MODELS_DIR,
    LOG_LEVEL: process.env.LOG_LEVEL || 'log',
    // Benchmarks drive the API far beyond a person's rate: not limited.
    API_RATE_LIMIT_PER_MINUTE: '1000000000',
    ...env,
  });
  const { startStack } = dist('infra/embedded/src/embedded-stack');
  const stack = await startStack({ workers, pools: ['cpu'], home: benchHome, verbose });
  const api = client(stack.apiUrl, () => {
    const gone = stack.processes.find((p) => !running(p.pid));
    return gone ? `${gone.name} (see ${stack.logsDir}/${gone.name}.log)` : null;
  }, stack.apiKey);
  // wait until every worker has registered
  for (const t0 = Date.now(); ; ) {
    const list = await api.get('/v1/workers');
    const active = (list.items ?? list).filter((w) => w.status === 'active').length;
    if (active >= workers) break;
    if (Date.now() - t0 > 60_000) throw new Error(`only ${active} of ${workers} workers registered; logs in ${stack.logsDir}`);
    await sleep(100);
  }
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  return {
    stack,
    api,
    db,
    databaseUrl,
    prefix,
    home: benchHome,
    async stop() {
      await db.end().catch(() => undefined);
      await stack.stop();
      await clearRedisPrefix(prefix).catch(() => undefined);
      if (!keepDatabase) await dropDatabase(database).catch(() => undefined);
      if (!home) fs.rmSync(benchHome, { recursive: true, force: true });
    },
  };
}

module.exports = { startBenchStack, scratchDatabase, dropDatabase, clearRedisPrefix, client, dbUrl, REDIS_URL };
