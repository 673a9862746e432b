import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { jobIds, PoolQueues } from '@app/queue';
import { ENROLLMENT_TOKEN, startApi, truncateAll, authed } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';

/** The worker-facing shard endpoints (spec, start, progress) against real Postgres; no worker process. */
describe('shard endpoints (real Postgres, Redis)', () => {
  let app: INestApplication;
  let db: DataSource;
  let http: ReturnType<typeof request>;
  let modelId: string;
  let workerId: string;
  let auth: string;

  beforeAll(async () => {
    ({ app, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    http = authed(app);
    const model = await http
      .post('/v1/models')
      .send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } })
      .expect(201);
    modelId = model.body.id;
    // A pool no worker consumes: the shard jobs stay queued while the test plays the worker.
    const reg = await http.post('/v1/workers/register').send({ name: 'w', pools: ['idle'], backends: ['llama-cpp'], enrollmentToken: ENROLLMENT_TOKEN }).expect(201);
    workerId = reg.body.workerId;
    auth = `Bearer ${reg.body.credential}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  const submit = async () => {
    const res = await http.post('/v1/runs').send({ modelId, pool: 'idle', benchmarks: [{ name: 'arc_easy', limit: 4 }], shardSize: 2 }).expect(202);
    const shards: Array<{ id: string }> = await db.query('SELECT id FROM shards WHERE run_id = $1 ORDER BY shard_index', [res.body.id]);
    return { runId: res.body.id as string, shardIds: shards.map((s) => s.id) };
  };
  /** Claims a shard; the control part of the answer (proceed, reason) without the spec. */
  const start = (id: string) =>
    http.post(`/v1/shards/${id}/claim`).set('authorization', auth).send().expect(200).then(({ body: { spec: _spec, ...control } }) => control);
  const report = (id: string, body: Record<string, unknown>) =>
    http.post(`/v1/shards/${id}/progress`).set('authorization', auth).send(body).expect(200).then((r) => r.body);
  const shardRow = async (id: string) =>
    (await db.query('SELECT status, worker_id, attempts, started_at, done_samples, envelope FROM shards WHERE id = $1', [id]))[0];

  it('a claim records the start (shard running, run running, worker busy) and returns the spec', async () => {
    const { runId, shardIds } = await submit();
    const claimed = await http.post(`/v1/shards/${shardIds[0]}/claim`).set('authorization', auth).send().expect(200);
    expect(claimed.body).toMatchObject({ proceed: true, spec: { shardId: shardIds[0], runId, benchmark: 'arc_easy', docStart: 0, docEnd: 2, seed: 1234, model: { id: modelId } } });

    expect(await shardRow(shardIds[0])).toMatchObject({ status: 'running', worker_id: workerId, attempts: 1, done_samples: 0, envelope: null });
    const [run] = await db.query('SELECT status, started_at FROM runs WHERE id = $1', [runId]);
    expect(run.status).toBe('running');
    expect(run.started_at).not.toBeNull();
    const [worker] = await db.query('SELECT current_shard_id FROM workers WHERE id = $1', [workerId]);
    expect(worker.current_shard_id).toBe(shardIds[0]);

    // Progress with the envelope, then a restart (a retried attempt) resets both and counts the attempt;
    // the run keeps its start.
    expect(await report(shardIds[0], { done: 1, envelope: { backend: { kind: 'llama-cpp' } } })).toEqual({ proceed: true });
    expect(await shardRow(shardIds[0])).toMatchObject({ done_samples: 1, envelope: { backend: { kind: 'llama-cpp' } } });
    expect(await start(shardIds[0])).toEqual({ proceed: true });
    expect(await shardRow(shardIds[0])).toMatchObject({ attempts: 2, done_samples: 0, envelope: null });
    const [again] = await db.query('SELECT started_at FROM runs WHERE id = $1', [runId]);
    expect(again.started_at).toEqual(run.started_at);
  });

  it("a re-scoring shard's claim names the source's artifacts that hold its documents (its worker loads only those)", async () => {
    const source = await submit();
    await db.query(`UPDATE runs SET status = 'succeeded' WHERE id = $1`, [source.runId]);
    await db.query(`UPDATE shards SET status = 'done' WHERE run_id = $1`, [source.runId]);
    const keys: string[] = (await db.query('SELECT artifact_key FROM shards WHERE run_id = $1 ORDER BY doc_start', [source.runId])).map((r: { artifact_key: string }) => r.artifact_key);
    const rescore = await http.post(`/v1/runs/${source.runId}/rescore`).send({ pool: 'idle', shardSize: 3 }).expect(202);
    const shards: Array<{ id: string }> = await db.query('SELECT id FROM shards WHERE run_id = $1 ORDER BY doc_start', [rescore.body.id]);
    const replayOf = async (id: string) => (await http.post(`/v1/shards/${id}/claim`).set('authorization', auth).send().expect(200)).body.spec.model.backend;
    // Documents [0, 3) are in both source shards ([0, 2) and [2, 4)); [3, 4) only in the second.
    expect(await replayOf(shards[0].id)).toEqual({ kind: 'replay', sourceRunId: source.runId, benchmark: 'arc_easy', artifacts: keys });
    expect(await replayOf(shards[1].id)).toEqual({ kind: 'replay', sourceRunId: source.runId, benchmark: 'arc_easy', artifacts: [keys[1]] });
  });

  it('refuses to start a done shard, a cancelled run\'s shards, and an unknown shard', async () => {
    const { runId, shardIds } = await submit();
    await db.query(`UPDATE shards SET status = 'done' WHERE id = $1`, [shardIds[0]]);
    expect(await start(shardIds[0])).toEqual({ proceed: false, reason: 'shard already done' });
    expect((await shardRow(shardIds[0])).attempts).toBe(0);

    const queue = app.get(PoolQueues).get('idle', 'llama-cpp');
    expect(await queue.getJob(jobIds.shard(shardIds[1]))).toBeDefined();
    await http.post(`/v1/runs/${runId}/cancel`).expect(200);
    // Its waiting job is gone from the queue; a worker that took it anyway is refused.
    expect(await queue.getJob(jobIds.shard(shardIds[1]))).toBeUndefined();
    expect(await start(shardIds[1])).toEqual({ proceed: false, reason: `run ${runId} is cancelled` });
    expect(await shardRow(shardIds[1])).toMatchObject({ status: 'cancelled', worker_id: null, attempts: 0 });

    await http.post('/v1/shards/00000000-0000-4000-8000-000000000000/claim').set('authorization', auth).send().expect(404);
    await http.post(`/v1/shards/${shardIds[1]}/claim`).send().expect(401);
  });

  it('claims a shard in one call: start recorded and spec returned; the envelope arrives with the first report', async () => {
    const { runId, shardIds } = await submit();
    const claim = (id: string) => http.post(`/v1/shards/${id}/claim`).set('authorization', auth).send().expect(200).then((r) => r.body);
    const c = await claim(shardIds[1]);
    expect(c).toMatchObject({ proceed: true, spec: { shardId: shardIds[1], runId, benchmark: 'arc_easy', docStart: 2, docEnd: 4, model: { id: modelId } } });
    expect(await shardRow(shardIds[1])).toMatchObject({ status: 'running', worker_id: workerId, attempts: 1, envelope: null });

    const report = (done: number, envelope?: unknown) =>
      http.post(`/v1/shards/${shardIds[1]}/progress`).set('authorization', auth).send(envelope ? { done, envelope } : { done }).expect(200).then((r) => r.body);
    expect(await report(1, { backend: { kind: 'replay' } })).toEqual({ proceed: true });
    expect(await report(2)).toEqual({ proceed: true });
    expect(await shardRow(shardIds[1])).toMatchObject({ done_samples: 2, envelope: { backend: { kind: 'replay' } } });
    await http.post(`/v1/shards/${shardIds[1]}/progress`).set('authorization', auth).send({ done: 1, envelope: 'not an object' }).expect(400);
    // generation rate: stored per shard, summed over the running shards in the run's progress
    expect(await report(2)).toEqual({ proceed: true });
    expect((await http.get(`/v1/runs/${runId}`).expect(200)).body.progress).toMatchObject({ done: 2, outputTokensPerSecond: null });
    await http.post(`/v1/shards/${shardIds[1]}/progress`).set('authorization', auth).send({ done: 2, outputTokens: 300, outputTokensPerSecond: 150.5 }).expect(200);
    expect((await http.get(`/v1/runs/${runId}`).expect(200)).body.progress).toMatchObject({ done: 2, outputTokensPerSecond: 150.5 });
    await http.post(`/v1/shards/${shardIds[1]}/progress`).set('authorization', auth).send({ done: 2, outputTokensPerSecond: -1 }).expect(400);

    await db.query(`UPDATE shards SET status = 'done' WHERE id = $1`, [shardIds[0]]);
    expect(await claim(shardIds[0])).toEqual({ proceed: false, reason: 'shard already done' });
    await http.post(`/v1/runs/${runId}/cancel`).expect(200);
    expect(await claim(shardIds[1])).toEqual({ proceed: false, reason: `run ${runId} is cancelled` });
    await http.post('/v1/shards/00000000-0000-4000-8000-000000000000/claim').set('authorization', auth).send().expect(404);
    await http.post(`/v1/shards/${shardIds[1]}/claim`).send().expect(401);
  });

  it('tells a worker reporting progress to stop: run cancelled or ended, shard not its own', async () => {
    const { runId, shardIds } = await submit();
    expect(await start(shardIds[0])).toEqual({ proceed: true });
    await http.post(`/v1/runs/${runId}/cancel`).expect(200);
    const res = await http.post(`/v1/shards/${shardIds[0]}/progress`).set('authorization', auth).send({ done: 1 }).expect(200);
    expect(res.body).toEqual({ proceed: false, reason: 'shard is cancelled' });
    // A shard another worker took over (after this one was presumed lost) is not this worker's to report on.
    const other = await submit();
    expect(await start(other.shardIds[0])).toEqual({ proceed: true });
    await db.query(`UPDATE shards SET worker_id = NULL WHERE id = $1`, [other.shardIds[0]]);
    const taken = await http.post(`/v1/shards/${other.shardIds[0]}/progress`).set('authorization', auth).send({ done: 1 }).expect(200);
    expect(taken.body).toEqual({ proceed: false, reason: 'shard is running on another worker' });
    // A run that ended while its shard was still marked running (e.g. failed by the sweep).
    const ended = await submit();
    expect(await start(ended.shardIds[0])).toEqual({ proceed: true });
    await db.query(`UPDATE runs SET status = 'failed' WHERE id = $1`, [ended.runId]);
    expect((await http.post(`/v1/shards/${ended.shardIds[0]}/progress`).set('authorization', auth).send({ done: 1 }).expect(200)).body).toEqual({ proceed: false, reason: 'run is failed' });
    await http.post('/v1/shards/00000000-0000-4000-8000-000000000000/progress').set('authorization', auth).send({ done: 1 }).expect(404);
  });
});
