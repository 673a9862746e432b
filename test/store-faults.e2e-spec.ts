import { INestApplication } from '@nestjs/common';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PostgresCluster, readState, runEnded, sampleCounts, ServiceProcess, startApi, waitFor, WorkerProcess, authed } from '@app/testing';
import { runMigrations } from '../libs/database/src/migrate';
import { EmbeddedS3, startEmbeddedS3 } from '../infra/embedded/src/embedded-s3';
import { freePort } from '../infra/embedded/src/free-port';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';

const FAST = { SHARD_LOCK_DURATION_MS: '4000', SHARD_STALLED_INTERVAL_MS: '1000', WORKER_HEARTBEAT_MS: '400', WORKER_LOST_AFTER_MS: '2500', RECONCILE_EVERY_MS: '1000', RECONCILE_GRACE_MS: '1500' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Postgres, S3 and the results service fail mid-run, as real processes of this test's own: a Postgres
 * cluster and an S3 server on their own ports (stopped and started again on the same ones, with
 * their data), and the results service as its own process (SIGKILLed and started again). The api runs
 * in-process; two real workers run stories260K. Every run ends succeeded with each sample stored once,
 * and no service is restarted but the one that failed.
 */
describe('Postgres, S3 and results-service faults mid-run', () => {
  let pg: PostgresCluster;
  let s3: EmbeddedS3;
  let s3Port: number;
  let s3Dir: string;
  let env: Record<string, string>;
  let app: INestApplication;
  let db: DataSource;
  let http: ReturnType<typeof request>;
  let results: ServiceProcess;
  let modelId: string;
  const workers: WorkerProcess[] = [];

  const startResultsProcess = async () => {
    results = new ServiceProcess('results', env);
    await waitFor(async () => (results.output.includes('consuming the results queue') ? true : undefined), 'the results service to start', 60_000, 100);
  };
  const submit = async (limit: number) =>
    (await http.post('/v1/runs').send({ modelId, pool: 'storefault', benchmarks: [{ name: 'arc_easy', limit }], shardSize: 4 }).expect(202)).body.id as string;
  const midRun = async (runId: string, n = 2) => {
    await waitFor(async () => ((await db.query(`SELECT count(*)::int AS n FROM shards WHERE run_id = $1 AND status = 'done'`, [runId]))[0].n >= n ? true : undefined), `${n} shards done`, 120_000, 50);
    expect((await http.get(`/v1/runs/${runId}`).expect(200)).body.status).toBe('running');
  };
  const succeededOnce = async (runId: string, samples: number) => {
    expect(await runEnded(http, runId, 240_000)).toMatchObject({ status: 'succeeded' });
    expect(await sampleCounts(db, runId)).toEqual({ n: samples, d: samples });
  };
  const readiness = (status: number) => waitFor(async () => ((await http.get('/health/ready')).status === status ? true : undefined), `readiness ${status}`, 30_000, 200);

  beforeAll(async () => {
    pg = new PostgresCluster(await freePort());
    pg.start();
    await runMigrations(pg.url);
    s3Port = await freePort();
    s3Dir = await mkdtemp(join(tmpdir(), 's3-fault-'));
    s3 = await startEmbeddedS3(s3Dir, s3Port);
    // A queue prefix of its own: no other service of this jest run takes these jobs.
    env = { ...FAST, DATABASE_URL: pg.url, S3_ENDPOINT: s3.endpoint, QUEUE_PREFIX: `${readState().queuePrefix}-store` };
    ({ app, db } = await startApi(AppModule, apiBootstrap, env));
    http = authed(app);
    await startResultsProcess();
    modelId = (await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201)).body.id;
    const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    for (const name of ['store-w1', 'store-w2']) workers.push(new WorkerProcess(name, url, { ...env, WORKER_POOLS: 'storefault' }));
    await waitFor(async () => ((await db.query(`SELECT count(*)::int AS n FROM workers WHERE status = 'active'`))[0].n === 2 ? true : undefined), 'two workers', 60_000);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await results?.stop();
    await app?.close();
    await s3?.stop();
    pg?.stop();
  });

  it('Postgres restarted mid-run: readiness 503 while it is down; the run completes, every sample once', async () => {
    const runId = await submit(48);
    await midRun(runId);
    pg.stop();
    await readiness(503);
    await sleep(2000);
    pg.start();
    await readiness(200);
    await succeededOnce(runId, 48);
    // No worker was marked lost for the heartbeats Postgres could not record.
    expect((await db.query(`SELECT count(*)::int AS n FROM workers WHERE status = 'active'`))[0].n).toBe(2);
  });

  it('the S3 server stopped for 10 s mid-run: uploads wait and retry; the run completes, every sample once', async () => {
    const runId = await submit(48);
    await midRun(runId);
    await s3.stop();
    await readiness(503);
    await sleep(10_000);
    s3 = await startEmbeddedS3(s3Dir, s3Port);
    await readiness(200);
    await succeededOnce(runId, 48);
  });

  it('the results service SIGKILLed mid-ingest, then started again: the run completes, every sample once', async () => {
    const runId = await submit(48);
    await midRun(runId);
    results.kill('SIGKILL');
    await results.waitExit(10_000);
    await sleep(2000);
    await startResultsProcess();
    await succeededOnce(runId, 48);
  });
});
