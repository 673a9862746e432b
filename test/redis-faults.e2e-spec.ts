import { INestApplication, INestApplicationContext } from '@nestjs/common';
import IORedis from 'ioredis';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { runEnded, sampleCounts, startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { EmbeddedRedis, startEmbeddedRedis } from '../infra/embedded/src/embedded-redis';
import { freePort } from '../infra/embedded/src/free-port';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

/** Fast failure detection and a reconciler that runs every second on runs older than 1.5 s. */
const FAST = {
  SHARD_LOCK_DURATION_MS: '4000',
  SHARD_STALLED_INTERVAL_MS: '1000',
  WORKER_HEARTBEAT_MS: '400',
  WORKER_LOST_AFTER_MS: '2500',
  RECONCILE_EVERY_MS: '1000',
  RECONCILE_GRACE_MS: '1500',
};

/**
 * Redis is where the queue lives, and it may lose it: FLUSHALL mid-run, a restart without its data, a
 * restart with it (AOF), a submission while it is down. A redis-server of this test's own (on its own
 * port) is flushed, stopped and started; the api, results service and two real workers use it. Every
 * run must end succeeded with each sample stored exactly once, without restarting any service.
 */
describe('Redis faults: the queue rebuilt from Postgres, nothing lost or doubled', () => {
  let redis: EmbeddedRedis;
  let port: number;
  let aofDir: string;
  let app: INestApplication;
  let db: DataSource;
  let results: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let modelId: string;
  const workers: WorkerProcess[] = [];

  const startRedis = async (opts: { fresh: boolean }) => {
    const dir = opts.fresh ? await mkdtemp(join(tmpdir(), 'redis-fault-')) : aofDir;
    redis = await startEmbeddedRedis(dir, 'redis-server', { port, appendOnly: true });
  };
  const submit = async (limit: number, shardSize: number, pool = 'redisfault') =>
    (await http.post('/v1/runs').send({ modelId, pool, benchmarks: [{ name: 'arc_easy', limit }], shardSize }).expect(202)).body as { id: string; status: string };
  const shardsDone = async (runId: string) => (await db.query(`SELECT count(*)::int AS n FROM shards WHERE run_id = $1 AND status = 'done'`, [runId]))[0].n as number;
  /** Waits until at least `n` shards are done, and checks the run is still going (the fault lands mid-run). */
  const midRun = async (runId: string, n = 2) => {
    await waitFor(async () => ((await shardsDone(runId)) >= n ? true : undefined), `${n} shards of ${runId} done`, 120_000, 50);
    expect((await http.get(`/v1/runs/${runId}`).expect(200)).body.status).toBe('running');
  };
  const succeededOnce = async (runId: string, samples: number) => {
    expect(await runEnded(http, runId, 240_000)).toMatchObject({ status: 'succeeded' });
    expect(await sampleCounts(db, runId)).toEqual({ n: samples, d: samples });
  };
  const ready = async () => (await http.get('/health/ready')).status;

  beforeAll(async () => {
    port = await freePort();
    aofDir = await mkdtemp(join(tmpdir(), 'redis-fault-'));
    await startRedis({ fresh: false });
    const env = { ...FAST, REDIS_URL: redis.url };
    ({ app, db } = await startApi(AppModule, apiBootstrap, env));
    await truncateAll(db);
    results = await startResults(ResultsModule, env);
    http = authed(app);
    modelId = (await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201)).body.id;
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    for (const name of ['redis-w1', 'redis-w2']) workers.push(new WorkerProcess(name, url, { ...env, WORKER_POOLS: 'redisfault' }));
    await waitFor(async () => ((await db.query(`SELECT count(*)::int AS n FROM workers WHERE status = 'active'`))[0].n === 2 ? true : undefined), 'two workers', 60_000);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await results?.close();
    await app?.close();
    await redis?.stop();
  });

  it('N parallel submits with one Idempotency-Key give one run and N identical answers', async () => {
    const body = { modelId, pool: 'nobody', benchmarks: [{ name: 'arc_easy', limit: 8 }], shardSize: 4 };
    const answers = await Promise.all(Array.from({ length: 12 }, () => http.post('/v1/runs').set('Idempotency-Key', 'same-key-12').send(body)));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(202));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers[0].body).toMatchObject({ status: 'queued', shards: 2, samples: 8 });
    expect((await db.query(`SELECT count(*)::int AS n FROM runs WHERE idempotency_key = 'same-key-12'`))[0].n).toBe(1);
    await http.post(`/v1/runs/${answers[0].body.id}/cancel`).expect(200);
  });

  it('FLUSHALL mid-run: the reconciler rebuilds the flow and restores the schedulers; the run completes, every sample once', async () => {
    const run = await submit(48, 4);
    await midRun(run.id);
    const client = new IORedis(redis.url);
    await client.flushall();
    await client.quit();
    await succeededOnce(run.id, 48);
  });

  it('Redis restarted without its data mid-run: readiness says 503 while it is down, then the run completes', async () => {
    const run = await submit(48, 4);
    await midRun(run.id);
    await redis.stop();
    await waitFor(async () => ((await ready()) === 503 ? true : undefined), 'readiness 503', 20_000, 200);
    await startRedis({ fresh: true });
    await waitFor(async () => ((await ready()) === 200 ? true : undefined), 'readiness 200 again', 30_000, 200);
    await succeededOnce(run.id, 48);
  });

  it('Redis restarted with its data (AOF) mid-run: the run completes, every sample once', async () => {
    aofDir = await mkdtemp(join(tmpdir(), 'redis-fault-'));
    await redis.stop();
    await startRedis({ fresh: false });
    const run = await submit(48, 4);
    await midRun(run.id);
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1000));
    await startRedis({ fresh: false });
    await succeededOnce(run.id, 48);
  });

  it('a run submitted while Redis is down is accepted (202, queued) and runs once Redis is back', async () => {
    await redis.stop();
    const run = await submit(16, 4);
    expect(run.status).toBe('queued');
    await startRedis({ fresh: true });
    await succeededOnce(run.id, 16);
  });
});
