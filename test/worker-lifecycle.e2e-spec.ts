import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

const FAST = { SHARD_LOCK_DURATION_MS: '4000', SHARD_STALLED_INTERVAL_MS: '1000', WORKER_HEARTBEAT_MS: '400', WORKER_LOST_AFTER_MS: '2500' };

describe('worker agents: pools, graceful shutdown, drain, removal, lost workers', () => {
  let app: INestApplication;
  let url: string;
  let db: DataSource;
  let results: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let modelId: string;
  const workers: WorkerProcess[] = [];

  const spawn = (name: string, pools: string, extra: Record<string, string> = {}) => {
    const w = new WorkerProcess(name, url, { ...FAST, WORKER_POOLS: pools, ...extra });
    workers.push(w);
    return w;
  };
  const workerId = (name: string) =>
    waitFor(async () => (await db.query(`SELECT id FROM workers WHERE name = $1 AND status = 'active'`, [name]))[0]?.id as string | undefined, `worker ${name}`);
  const submit = async (pool: string, benchmark: string, limit: number, shardSize: number) =>
    (await http.post('/v1/runs').send({ modelId, pool, benchmarks: [{ name: benchmark, limit }], shardSize }).expect(202)).body.id as string;
  const ended = (id: string, timeoutMs = 180_000) =>
    waitFor(async () => {
      const r = (await http.get(`/v1/runs/${id}`).expect(200)).body;
      return ['succeeded', 'failed', 'cancelled'].includes(r.status) ? r : undefined;
    }, `run ${id}`, timeoutMs, 300);
  const exactlyOnce = async (runId: string, n: number) =>
    expect((await db.query(`SELECT count(*)::int AS n, count(DISTINCT doc_id)::int AS d FROM samples WHERE run_id = $1`, [runId]))[0]).toEqual({ n, d: n });

  beforeAll(async () => {
    ({ app, url, db } = await startApi(AppModule, apiBootstrap, FAST));
    await truncateAll(db);
    results = await startResults(ResultsModule, FAST);
    http = authed(app);
    modelId = (await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201)).body.id;
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await results?.close();
    await app?.close();
  });

  it('sends shard jobs only to the workers of the run\'s pool', async () => {
    spawn('alpha-1', 'alpha');
    spawn('beta-1', 'beta');
    const [a, b] = await Promise.all([workerId('alpha-1'), workerId('beta-1')]);
    const [ra, rb] = await Promise.all([submit('alpha', 'arc_easy', 8, 2), submit('beta', 'arc_challenge', 8, 2)]);
    expect((await ended(ra)).status).toBe('succeeded');
    expect((await ended(rb)).status).toBe('succeeded');
    expect(await db.query(`SELECT DISTINCT worker_id FROM shards WHERE run_id = $1`, [ra])).toEqual([{ worker_id: a }]);
    expect(await db.query(`SELECT DISTINCT worker_id FROM shards WHERE run_id = $1`, [rb])).toEqual([{ worker_id: b }]);
    // Heartbeats carry the machine and live figures.
    const [w] = await db.query(`SELECT info, pools, backends FROM workers WHERE id = $1`, [a]);
    expect(w).toMatchObject({ pools: ['alpha'], backends: ['llama-cpp'] });
    expect(w.info).toMatchObject({ cpu: { cores: expect.any(Number) }, ramBytes: expect.any(Number), gpus: [], loadedModel: 'stories260K' });
  });

  it('SIGTERM during a shard releases it to another worker: no sample lost or duplicated', async () => {
    const leaving = spawn('gamma-1', 'gamma', { WORKER_SHUTDOWN_TIMEOUT_MS: '300' });
    const gammaId = await workerId('gamma-1');
    const runId = await submit('gamma', 'hellaswag', 600, 600);
    const shard = await waitFor(async () => {
      const r = await db.query(`SELECT id, done_samples FROM shards WHERE run_id = $1 AND status = 'running' AND worker_id = $2`, [runId, gammaId]);
      return r[0] as { id: string } | undefined;
    }, 'gamma-1 to start the shard', 60_000, 20);
    spawn('gamma-2', 'gamma');
    leaving.kill('SIGTERM');
    const code = await leaving.waitExit(60_000);
    // Nest re-raises the signal once its shutdown hooks are done: a clean exit by SIGTERM, not a kill.
    expect(code === 0 || leaving.child.signalCode === 'SIGTERM').toBe(true);
    expect(leaving.output).toContain('released back to the queue');
    expect(leaving.output).toContain('deregistered worker');
    const run = await ended(runId);
    expect(run).toMatchObject({ status: 'succeeded' }); // on failure, shows the run's error
    await exactlyOnce(runId, 600);
    const [s] = await db.query(`SELECT s.status, w.name FROM shards s JOIN workers w ON w.id = s.worker_id WHERE s.id = $1`, [shard.id]);
    expect(s).toEqual({ status: 'done', name: 'gamma-2' });
    // The leaving worker deregistered itself.
    expect((await db.query(`SELECT status FROM workers WHERE id = $1`, [gammaId]))[0].status).toBe('removed');
  });

  it('a drained worker takes no more shards; another worker of the pool does', async () => {
    const drained = spawn('delta-1', 'delta');
    const id = await workerId('delta-1');
    await http.post(`/v1/workers/${id}/drain`).expect(200);
    await waitFor(async () => (drained.output.includes('drained by an operator') ? true : undefined), 'the worker to learn it is drained', 20_000);
    const runId = await submit('delta', 'arc_easy', 4, 2);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await db.query(`SELECT count(*)::int AS n FROM shards WHERE run_id = $1 AND status = 'pending'`, [runId]))[0].n).toBe(2);
    spawn('delta-2', 'delta');
    expect((await ended(runId)).status).toBe('succeeded');
    expect(await db.query(`SELECT DISTINCT w.name FROM shards s JOIN workers w ON w.id = s.worker_id WHERE s.run_id = $1`, [runId])).toEqual([{ name: 'delta-2' }]);
  });

  it('a worker an operator removed learns it from its heartbeat and takes no more shards', async () => {
    const w = spawn('zeta-1', 'zeta');
    const id = await workerId('zeta-1');
    await http.delete(`/v1/workers/${id}`).expect(200);
    await waitFor(async () => (w.output.includes('removed by an operator') ? true : undefined), 'the worker to learn it was removed', 20_000);
    const runId = await submit('zeta', 'arc_easy', 4, 2);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await db.query(`SELECT count(*)::int AS n FROM shards WHERE run_id = $1 AND status = 'pending'`, [runId]))[0].n).toBe(2);
    // It said so once and stopped heartbeating; it stays up, idle, and stays removed.
    expect(w.output.split('removed by an operator').length - 1).toBe(1);
    expect(w.output).not.toContain('heartbeat failed');
    expect(w.exited).toBe(false);
    expect((await db.query(`SELECT status FROM workers WHERE id = $1`, [id]))[0].status).toBe('removed');
    await http.post(`/v1/runs/${runId}/cancel`).expect(200);
  });

  it('a removed worker that took a shard before it knew gives it back: another worker of the pool runs it', async () => {
    // No heartbeat before the shard: the worker learns of its removal when the API refuses its claim.
    const w = spawn('eta-1', 'eta', { WORKER_HEARTBEAT_MS: '600000' });
    const id = await workerId('eta-1');
    await http.delete(`/v1/workers/${id}`).expect(200);
    const runId = await submit('eta', 'arc_easy', 4, 2);
    await waitFor(async () => (w.output.includes('released back to the queue') ? true : undefined), 'the worker to give the shard back', 30_000);
    expect(w.output).toContain('removed by an operator');
    expect((await db.query(`SELECT count(*)::int AS n FROM shards WHERE run_id = $1 AND status = 'pending'`, [runId]))[0].n).toBe(2);
    spawn('eta-2', 'eta');
    expect(await ended(runId)).toMatchObject({ status: 'succeeded' });
    await exactlyOnce(runId, 4);
    expect(await db.query(`SELECT DISTINCT w.name, s.attempts FROM shards s JOIN workers w ON w.id = s.worker_id WHERE s.run_id = $1`, [runId])).toEqual([
      { name: 'eta-2', attempts: 1 },
    ]);
    expect(w.exited).toBe(false);
  });

  it('marks a worker that stops heartbeating as lost, and active again when it comes back', async () => {
    const frozen = spawn('epsilon-1', 'epsilon');
    const id = await workerId('epsilon-1');
    frozen.kill('SIGSTOP');
    try {
      await waitFor(async () => ((await db.query(`SELECT status FROM workers WHERE id = $1`, [id]))[0].status === 'lost' ? true : undefined), 'the worker to be marked lost', 40_000, 500);
    } finally {
      frozen.kill('SIGCONT');
    }
    await waitFor(async () => ((await db.query(`SELECT status FROM workers WHERE id = $1`, [id]))[0].status === 'active' ? true : undefined), 'the worker to be active again', 20_000, 300);
  });
});
