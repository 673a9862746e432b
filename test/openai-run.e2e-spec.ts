import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LoglikelihoodResult, SampleRecord } from '@app/contracts';
import { LlamaCppBackend } from '@app/inference';
import { ArtifactStore } from '@app/storage';
import { MODELS_DIR, runEnded, startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { OpenAiTestServer } from '@app/testing/openai-test-server';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

const KEY_ENV = 'DENSEBENCH_E2E_OPENAI_KEY';
const KEY = 'sk-e2e-7f3a9c1d5b';
const STORIES = join(MODELS_DIR, 'stories260K.gguf');

/**
 * A model served by an OpenAI-compatible server (the test server answering from stories260K through
 * the native addon), evaluated through the whole service by a worker whose only backend is openai,
 * with the fleet's request cache in Redis.
 */
describe('a run of a model behind an OpenAI-compatible server, and its rerun from the request cache', () => {
  let app: INestApplication;
  let url: string;
  let db: DataSource;
  let results: INestApplicationContext;
  let store: ArtifactStore;
  let http: ReturnType<typeof request>;
  let server: OpenAiTestServer;
  let worker: WorkerProcess;
  let modelId: string;

  const runUntilEnded = (id: string) => runEnded(http, id, 120_000);

  const records = async (runId: string): Promise<SampleRecord[]> => {
    const out: SampleRecord[] = [];
    for (const o of await store.list(`runs/${runId}/samples/`)) {
      out.push(...gunzipSync((await store.getBuffer(o.key))!).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as SampleRecord));
    }
    return out.sort((a, b) => a.doc_id - b.doc_id);
  };

  beforeAll(async () => {
    server = await OpenAiTestServer.start({ modelPath: STORIES, modelName: 'stories260K', apiKey: KEY, threads: 1 });
    ({ app, url, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    results = await startResults(ResultsModule);
    store = app.get(ArtifactStore);
    http = authed(app);
    worker = new WorkerProcess('worker-openai', url, {
      WORKER_BACKENDS: 'openai',
      WORKER_REQUEST_CACHE: 'on',
      WORKER_OPENAI_BACKOFF_MS: '50',
      [KEY_ENV]: KEY,
      WORKER_ALLOWED_API_KEY_ENVS: KEY_ENV,
    });
    await waitFor(async () => ((await http.get('/v1/workers?status=active').expect(200)).body.length >= 1 ? true : undefined), 'the worker to register');
    modelId = (
      await http
        .post('/v1/models')
        .send({
          name: 'stories260K-served',
          paramsTotal: 292800,
          backend: { kind: 'openai', baseUrl: server.baseUrl, model: 'stories260K', apiKeyEnv: KEY_ENV, maxConcurrency: 2 },
        })
        .expect(201)
    ).body.id;
  });

  afterAll(async () => {
    await worker?.stop();
    await results?.close();
    await app?.close();
    await server?.close();
  });

  it('scores 16 ARC-Easy docs through the server (with a 429 and a 500 on the way), numbers equal to the in-process llama-cpp backend', async () => {
    server.failNext(2, 429, { retryAfter: 0.2, paths: ['/v1/completions'] });
    server.failNext(1, 500, { paths: ['/v1/completions'] });
    const sub = await http.post('/v1/runs').send({ modelId, benchmarks: [{ name: 'arc_easy', limit: 16 }], shardSize: 8, pool: 'cpu' }).expect(202);
    const run = await runUntilEnded(sub.body.id);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.benchmarks[0].metrics.acc.n).toBe(16);

    const recs = await records(sub.body.id);
    expect(recs.map((r) => r.doc_id)).toEqual([...Array(16).keys()]);
    const answered = recs.flatMap((r) => r.responses!);
    // every choice of every doc went to the server once (plus the 3 failed attempts), never more than 2 at a time
    expect(server.stats.byPath['/v1/completions']).toBe(answered.length + 3);
    expect(server.stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(server.stats.unauthorized).toBe(0);
    expect(recs.every((r) => r.responses!.every((x) => x.response.cached === undefined))).toBe(true);
    expect(recs[0].tokens.input).toBeGreaterThan(0);
    expect((recs[0].responses![0].response as LoglikelihoodResult).totalMs).toBeGreaterThan(0);
    expect(worker.output).toMatch(/retry 1 in \d+ ms \(HTTP 429/);
    expect(worker.output).not.toContain(KEY);

    // The same requests through the in-process backend give the same log-likelihoods.
    const local = await LlamaCppBackend.load({ path: STORIES, sha256: 'e2e' }, { threads: 1 });
    try {
      const reqs = recs.flatMap((r) => (r.arguments as Array<[string, string]>).map(([context, continuation]) => ({ context, continuation })));
      const ref = await local.loglikelihood(reqs);
      const got = recs.flatMap((r) => r.resps as Array<[[number, boolean]]>).map(([[lp, greedy]]) => ({ lp, greedy }));
      got.forEach((g, i) => {
        expect(g.lp).toBeCloseTo(ref[i].logprob, 4);
        expect(g.greedy).toBe(ref[i].isGreedy);
      });
    } finally {
      await local.dispose();
    }
  });

  it('answers an identical second run from the request cache: no request reaches the server, same results', async () => {
    const first = (await http.get('/v1/runs?status=succeeded').expect(200)).body.items[0];
    const before = await http.get(`/v1/runs/${first.id}`).expect(200);
    server.resetStats();
    const sub = await http.post('/v1/runs').send({ modelId, benchmarks: [{ name: 'arc_easy', limit: 16 }], shardSize: 8, pool: 'cpu' }).expect(202);
    const run = await runUntilEnded(sub.body.id);
    expect(run.status).toBe('succeeded');
    expect(server.stats.total).toBe(0);
    expect(run.benchmarks[0].metrics).toEqual(before.body.benchmarks[0].metrics);

    const recs = await records(sub.body.id);
    const flags = recs.flatMap((r) => r.responses!.map((x) => x.response.cached));
    expect(flags.length).toBeGreaterThan(16 * 3);
    expect(flags.every((c) => c === true)).toBe(true);
    // hits per shard in the worker's log: two shards of 8 docs, every request a hit
    const hitLines = [...worker.output.matchAll(/request cache \(openai:[^)]*\): (\d+) hits, (\d+) misses/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const last2 = hitLines.slice(-2);
    expect(last2.every(([, misses]) => misses === 0)).toBe(true);
    expect(last2.reduce((a, [hits]) => a + hits, 0)).toBe(flags.length);
  });

  it('refuses an apiKeyEnv the worker does not allow: the run fails with the reason, the variable is never read', async () => {
    const model = await http
      .post('/v1/models')
      .send({ name: 'asks-for-home', paramsTotal: 292800, backend: { kind: 'openai', baseUrl: server.baseUrl, model: 'stories260K', apiKeyEnv: 'DATABASE_URL' } })
      .expect(201);
    const sub = await http.post('/v1/runs').send({ modelId: model.body.id, benchmarks: [{ name: 'arc_easy', limit: 2 }], pool: 'cpu' }).expect(202);
    const run = await runUntilEnded(sub.body.id);
    expect(run.status).toBe('failed');
    expect(run.error).toContain(`the model's apiKeyEnv DATABASE_URL is not a variable this worker allows (WORKER_ALLOWED_API_KEY_ENVS: ${KEY_ENV})`);
  });
});
