import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SampleRecord } from '@app/contracts';
import { ArtifactStore } from '@app/storage';
import { runEnded, startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

/**
 * Re-scoring: a run of stories260K (multiple choice and generation, whose conditional-loss request is
 * kept only in the records' `responses`), then POST /v1/runs/:id/rescore answered by a worker that
 * has only the replay backend — no model, no GPU — with identical results.
 */
describe('re-scoring a run from its stored outputs (replay backend)', () => {
  let app: INestApplication;
  let url: string;
  let db: DataSource;
  let results: INestApplicationContext;
  let store: ArtifactStore;
  let http: ReturnType<typeof request>;
  const workers: Record<string, WorkerProcess> = {};
  let modelId: string;
  let sourceId: string;

  const runUntilEnded = (id: string) => runEnded(http, id, 180_000);

  const records = async (runId: string): Promise<SampleRecord[]> => {
    const out: SampleRecord[] = [];
    for (const o of await store.list(`runs/${runId}/samples/`)) {
      out.push(...gunzipSync((await store.getBuffer(o.key))!).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleRecord));
    }
    return out.sort((a, b) => a.benchmark.localeCompare(b.benchmark) || a.doc_id - b.doc_id);
  };

  beforeAll(async () => {
    ({ app, url, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    results = await startResults(ResultsModule);
    store = app.get(ArtifactStore);
    http = authed(app);
    workers.llama = new WorkerProcess('worker-llama', url, { WORKER_BACKENDS: 'llama-cpp' });
    workers.replay = new WorkerProcess('worker-replay', url, { WORKER_BACKENDS: 'replay' });
    await waitFor(async () => ((await http.get('/v1/workers?status=active').expect(200)).body.length >= 2 ? true : undefined), 'two workers to register');
    modelId = (await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201)).body.id;
  });

  afterAll(async () => {
    await Promise.all(Object.values(workers).map((w) => w.stop()));
    await results?.close();
    await app?.close();
  });

  it('refuses to re-score a run that has not succeeded, or does not exist', async () => {
    const sub = await http.post('/v1/runs').send({ modelId, benchmarks: [{ name: 'arc_easy', limit: 16 }, { name: 'gsm8k', limit: 3, numFewshot: 1 }], shardSize: 8 }).expect(202);
    sourceId = sub.body.id;
    const early = await http.post(`/v1/runs/${sourceId}/rescore`).send({}).expect(409);
    expect(early.body.message).toMatch(/only a succeeded run has every output stored to re-score/);
    await http.post(`/v1/runs/${randomUUID()}/rescore`).send({}).expect(404);
    await http.post(`/v1/runs/${sourceId}/rescore`).send({ pool: 'Not A Pool' }).expect(400);
    await http.post(`/v1/runs/${sourceId}/rescore`).send({ shardSize: 0 }).expect(400);
  });

  it('re-scores on a replay-only worker: same metrics, conditional losses and tokens; no model loaded', async () => {
    const source = await runUntilEnded(sourceId);
    expect(source.error).toBeNull();
    expect(source.status).toBe('succeeded');
    const before = await db.query(`SELECT count(*)::int AS n FROM shards WHERE run_id = $1`, [sourceId]);
    expect(before[0].n).toBe(3);

    // Sized for replaying, not as the source was: one shard per benchmark here (at least 1,000 documents a shard).
    const sub = await http.post(`/v1/runs/${sourceId}/rescore`).send({}).expect(202);
    expect(sub.body).toMatchObject({ shards: 2, samples: 19 });
    const rescored = await runUntilEnded(sub.body.id);
    expect(rescored.error).toBeNull();
    expect(rescored.status).toBe('succeeded');

    // Identical results, benchmark by benchmark, including the conditional loss (gsm8k's comes from the
    // loss request that only SampleRecord.responses keeps).
    const metrics = (run: { benchmarks: Array<{ name: string; metrics: unknown }> }) => Object.fromEntries(run.benchmarks.map((b) => [b.name, b.metrics]));
    expect(metrics(rescored)).toEqual(metrics(source));
    expect(Object.keys((metrics(source) as Record<string, Record<string, unknown>>).gsm8k)).toEqual(expect.arrayContaining(['cond_nll_per_token']));
    expect(rescored.tokens).toEqual(source.tokens);
    expect(rescored.modelId).toBe(source.modelId);

    const [a, b] = await Promise.all([records(sourceId), records(sub.body.id)]);
    expect(b.map((r) => [r.benchmark, r.doc_id, r.metrics, r.resps, r.loss])).toEqual(a.map((r) => [r.benchmark, r.doc_id, r.metrics, r.resps, r.loss]));

    // Only the replay worker ran the re-scoring shards, and it never loaded a model.
    const shardRows: Array<{ name: string; kind: string }> = await db.query(
      `SELECT w.name, s.envelope->'backend'->>'kind' AS kind FROM shards s JOIN workers w ON w.id = s.worker_id WHERE s.run_id = $1`,
      [sub.body.id],
    );
    expect(shardRows.length).toBe(2);
    expect(shardRows.every((r) => r.name === 'worker-replay' && r.kind === 'replay')).toBe(true);
    expect(workers.replay.output).toContain(`replaying run ${sourceId} (arc_easy)`);
    expect(workers.replay.output).not.toContain('loading model');
    const [row] = await db.query(`SELECT backend_override FROM runs WHERE id = $1`, [sub.body.id]);
    expect(row.backend_override).toEqual({ kind: 'replay', sourceRunId: sourceId });
  });
});
