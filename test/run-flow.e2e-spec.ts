import { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SampleRecord } from '@app/contracts';
import { missingFileMessage } from '@app/files';
import { HandedRows, jobIds, PoolQueues, RowsHandoff } from '@app/queue';
import { ArtifactStore } from '@app/storage';
import { MODELS_DIR, runEnded, serviceEnv, startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';
import { SampleArtifactWriter } from '../apps/worker/src/shards/sample-artifact-writer';

// Short locks so that a killed worker's shard returns to the queue within seconds.
const QUEUE_ENV = { SHARD_LOCK_DURATION_MS: '4000', SHARD_STALLED_INTERVAL_MS: '1000', SHARD_BACKOFF_MS: '200' };

describe('a real evaluation end to end: API → BullMQ → worker processes → S3 → results → Postgres', () => {
  let app: INestApplication;
  let url: string;
  let db: DataSource;
  let results: INestApplicationContext;
  let store: ArtifactStore;
  let http: ReturnType<typeof request>;
  const workers: WorkerProcess[] = [];

  const runUntilEnded = (id: string, timeoutMs = 180_000) => runEnded(http, id, timeoutMs);

  const registerModel = async (name: string, path: string) =>
    (await http.post('/v1/models').send({ name, paramsTotal: 292800, backend: { kind: 'llama-cpp', path } }).expect(201)).body.id as string;

  beforeAll(async () => {
    ({ app, url, db } = await startApi(AppModule, apiBootstrap, QUEUE_ENV));
    await truncateAll(db);
    results = await startResults(ResultsModule, QUEUE_ENV);
    store = app.get(ArtifactStore);
    http = authed(app);
    workers.push(new WorkerProcess('worker-a', url, QUEUE_ENV), new WorkerProcess('worker-b', url, QUEUE_ENV));
    await waitFor(async () => {
      const w = await http.get('/v1/workers?status=active').expect(200);
      return w.body.length >= 2 ? true : undefined;
    }, 'two workers to register', 60_000);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await results?.close();
    await app?.close();
  });

  it('scores 48 ARC-Easy samples in 4 shards: each sample once in Postgres, artifacts agree with the aggregate', async () => {
    // Watches (does not change) what the results service takes from the workers' rows handoff.
    const take = jest.spyOn(results.get(RowsHandoff), 'take');
    const modelId = await registerModel('stories260K', 'stories260K.gguf');
    const sub = await http.post('/v1/runs').send({ modelId, benchmarks: [{ name: 'arc_easy', limit: 48 }], shardSize: 12, pool: 'cpu' }).expect(202);
    expect(sub.body).toMatchObject({ shards: 4, samples: 48 });
    const run = await runUntilEnded(sub.body.id);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(run.progress).toMatchObject({ done: 48, total: 48 });

    const rows: Array<{ doc_id: number; n: number }> = await db.query(
      'SELECT doc_id, count(*)::int AS n FROM samples WHERE run_id = $1 GROUP BY doc_id ORDER BY doc_id',
      [sub.body.id],
    );
    expect(rows.map((r) => r.doc_id)).toEqual([...Array(48).keys()]);
    expect(rows.every((r) => r.n === 1)).toBe(true);

    const artifacts = (await http.get(`/v1/runs/${sub.body.id}/artifacts`).expect(200)).body as Array<{ id: string; kind: string; key: string }>;
    const samples = artifacts.filter((a) => a.kind === 'samples');
    expect(samples).toHaveLength(4);
    expect(artifacts.filter((a) => a.kind === 'results')).toHaveLength(1);

    const records: SampleRecord[] = [];
    for (const a of samples) {
      const downloaded = await http.get(`/v1/artifacts/${a.id}/download`).buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(downloaded.status).toBe(200);
      const stored = await store.getBuffer(a.key);
      expect(Buffer.compare(downloaded.body as Buffer, stored!)).toBe(0);
      const lines = gunzipSync(stored!).toString('utf8').trim().split('\n');
      expect(lines).toHaveLength(12);
      records.push(...lines.map((l) => JSON.parse(l) as SampleRecord));
    }
    expect(records.map((r) => r.doc_id).sort((a, b) => a - b)).toEqual([...Array(48).keys()]);
    for (const metric of ['acc', 'acc_norm']) {
      const values = records.map((r) => r.metrics[metric]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
      const m = run.benchmarks[0].metrics[metric];
      expect(m.n).toBe(48);
      expect(m.value).toBeCloseTo(mean, 12);
      expect(m.stderr).toBeCloseTo(sd / Math.sqrt(48), 12);
    }
    // Every record carries the request, the per-choice log-likelihoods, tokens, timing and the conditional loss.
    const r0 = records[0];
    expect(r0.arguments).toHaveLength(4);
    expect(r0.resps).toHaveLength(4);
    expect(r0.tokens.input).toBeGreaterThan(0);
    expect(r0.loss!.tokens).toBeGreaterThan(0);
    expect(r0.loss!.nll).toBeGreaterThan(0);

    const resultsJson = JSON.parse((await store.getBuffer(`runs/${sub.body.id}/results.json`))!.toString());
    expect(resultsJson.results.arc_easy['acc,none']).toBeCloseTo(run.benchmarks[0].metrics.acc.value, 12);

    // The workers handed every shard's rows to the results service through Redis (no S3 GET for them),
    // naming the JSONL's size as stored, and none is left behind.
    const handed = new Map<string, HandedRows>();
    for (const r of take.mock.results) for (const [id, h] of await (r.value as Promise<Map<string, HandedRows>>)) handed.set(id, h);
    take.mockRestore();
    const shards: Array<{ id: string; artifact_key: string; size: number }> = await db.query(
      `SELECT sh.id, sh.artifact_key, a.size_bytes::int AS size FROM shards sh JOIN artifacts a ON a.shard_id = sh.id WHERE sh.run_id = $1`,
      [sub.body.id],
    );
    expect(shards).toHaveLength(4);
    for (const sh of shards) {
      expect(handed.get(sh.id)?.samplesBytes).toBe((await store.head(sh.artifact_key))!.sizeBytes);
      expect(sh.size).toBe(handed.get(sh.id)!.samplesBytes);
    }
    const redis = (await app.get(PoolQueues).get('cpu', 'llama-cpp').client) as unknown as Redis;
    expect(await redis.exists(...shards.map((sh) => results.get(RowsHandoff).key(sh.id)))).toBe(0);
  });

  it('fails a run whose model file is missing, with a readable reason, without hanging', async () => {
    // Registration refuses a missing file: this one existed then, and is gone by the time the run starts. It lives
    // in a model folder of the services (DENSEBENCH_HOME/models): paths outside the model folders are refused.
    const folder = join(serviceEnv().DENSEBENCH_HOME, 'models');
    mkdirSync(folder, { recursive: true });
    const gone = join(mkdtempSync(join(folder, 'run-flow-ghost-')), 'no-such-model.gguf');
    copyFileSync(join(MODELS_DIR, 'stories260K.gguf'), gone);
    const modelId = await registerModel('ghost', gone);
    rmSync(dirname(gone), { recursive: true, force: true });
    const sub = await http.post('/v1/runs').send({ modelId, benchmarks: [{ name: 'arc_easy', limit: 4 }], shardSize: 2 }).expect(202);
    const run = await runUntilEnded(sub.body.id, 60_000);
    expect(run.status).toBe('failed');
    expect(run.error).toContain(missingFileMessage('model', gone, []));
  });

  it('retries the shard of a worker killed mid-shard (SIGKILL) on another worker: no sample lost or duplicated', async () => {
    const [modelRow] = await db.query(`SELECT id FROM models WHERE name = 'stories260K'`);
    const sub = await http.post('/v1/runs').send({ modelId: modelRow.id, benchmarks: [{ name: 'hellaswag', limit: 800 }], shardSize: 400 }).expect(202);
    const byId = new Map<string, WorkerProcess>();
    for (const w of (await http.get('/v1/workers?status=active').expect(200)).body as Array<{ id: string; name: string }>) {
      const proc = workers.find((p) => p.output.includes(w.id));
      if (proc) byId.set(w.id, proc);
    }
    // Kill whichever worker starts a shard first, as soon as it has started.
    const started = await waitFor(async () => {
      const r = await db.query(`SELECT id, worker_id FROM shards WHERE run_id = $1 AND status = 'running' AND worker_id IS NOT NULL LIMIT 1`, [sub.body.id]);
      return r[0] as { id: string; worker_id: string } | undefined;
    }, 'a shard to start', 60_000, 20);
    const victim = byId.get(started.worker_id);
    expect(victim).toBeDefined();
    victim!.kill('SIGKILL');
    await victim!.waitExit(10_000);

    const run = await runUntilEnded(sub.body.id, 240_000);
    expect(run.status).toBe('succeeded');
    const counts = await db.query(
      'SELECT count(*)::int AS n, count(DISTINCT doc_id)::int AS distinct_docs, min(doc_id) AS lo, max(doc_id) AS hi FROM samples WHERE run_id = $1',
      [sub.body.id],
    );
    expect(counts[0]).toEqual({ n: 800, distinct_docs: 800, lo: 0, hi: 799 });
    const [shard] = await db.query('SELECT attempts, worker_id, status FROM shards WHERE id = $1', [started.id]);
    expect(shard.status).toBe('done');
    expect(shard.attempts).toBeGreaterThanOrEqual(2);
    expect(shard.worker_id).not.toBe(started.worker_id);
  });
  it('a restarted shard whose artifact an earlier attempt stored is handed to ingestion, not run again', async () => {
    const modelId = await registerModel('stories260K-restart', 'stories260K.gguf');
    // A pool no worker serves yet, so the job waits while the test plays the earlier attempt.
    const sub = await http.post('/v1/runs').send({ modelId, pool: 'restart', benchmarks: [{ name: 'arc_easy', limit: 3 }] }).expect(202);
    const [shard] = await db.query('SELECT id, artifact_key FROM shards WHERE run_id = $1', [sub.body.id]);
    // The earlier attempt's artifact, with made-up metrics a real run could not produce.
    const writer = new SampleArtifactWriter(store, shard.artifact_key, { 'run-id': sub.body.id, 'shard-id': shard.id, benchmark: 'arc_easy', samples: '3', 'worker-id': 'gone' });
    for (let doc = 0; doc < 3; doc++) {
      await writer.write({
        doc_id: doc, benchmark: 'arc_easy', doc_hash: 'd', prompt_hash: 'p', target_hash: 't', arguments: [], target: 0, resps: [], filtered_resps: [],
        metrics: { acc: 0.25, acc_norm: 0.5 }, tokens: { input: 1, output: 0 }, timing: { latency_ms: 1 },
      });
    }
    await writer.finish();
    // That attempt started the job once (BullMQ counts starts in the job's "ats" field).
    const queue = app.get(PoolQueues).get('restart', 'llama-cpp');
    const client = (await queue.client) as unknown as Redis;
    await client.hincrby(queue.toKey(jobIds.shard(shard.id)), 'ats', 1);

    const late = new WorkerProcess('worker-restart', url, { ...QUEUE_ENV, WORKER_POOLS: 'restart' });
    workers.push(late);
    const run = await runUntilEnded(sub.body.id);
    expect(run.status).toBe('succeeded');
    expect(await db.query('SELECT doc_id, metrics FROM samples WHERE run_id = $1 ORDER BY doc_id', [sub.body.id])).toEqual(
      [0, 1, 2].map((doc_id) => ({ doc_id, metrics: { acc: 0.25, acc_norm: 0.5 } })),
    );
    // Claimed once, never scored (no model loaded for it, no progress report, so no envelope).
    const [after] = await db.query('SELECT status, attempts, envelope FROM shards WHERE id = $1', [shard.id]);
    expect(after).toEqual({ status: 'done', attempts: 1, envelope: null });
  });
});
