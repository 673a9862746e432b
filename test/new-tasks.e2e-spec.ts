import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SampleRecord } from '@app/contracts';
import { ArtifactStore } from '@app/storage';
import { runSamples, startApi, startResults, submitAndWait, truncateAll, WorkerProcess } from '@app/testing';
import { AppModule } from '../apps/api/src/app.module';
import { configureApp } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

/** Task → the metric keys its run reports (besides the conditional loss). */
const TASKS: Record<string, string[]> = {
  lambada_openai: ['perplexity', 'acc'],
  piqa: ['acc', 'acc_norm'],
  winogrande: ['acc'],
  logiqa: ['acc', 'acc_norm'],
  wsc273: ['acc'],
};
const LIMIT = 3;

describe('the tasks added for the density reference run end to end on a real model', () => {
  let app: INestApplication;
  let db: DataSource;
  let results: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let worker: WorkerProcess;
  let run: any;
  let samples: Map<string, SampleRecord[]>;

  beforeAll(async () => {
    let url: string;
    ({ app, url, db } = await startApi(AppModule, configureApp));
    await truncateAll(db);
    results = await startResults(ResultsModule);
    http = request(app.getHttpServer());
    worker = new WorkerProcess('worker-new-tasks', url);
    const model = await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    const benchmarks = Object.keys(TASKS).map((name) => ({ name, limit: LIMIT }));
    run = await submitAndWait(http, { modelId: model.body.id, benchmarks, shardSize: 8 });
    samples = await runSamples(http, app.get(ArtifactStore), run.id);
  }, 900_000);

  afterAll(async () => {
    await worker?.stop();
    await results?.close();
    await app?.close();
  });

  it('GET /v1/benchmarks lists them', async () => {
    const names = (await http.get('/v1/benchmarks').expect(200)).body.tasks.map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(Object.keys(TASKS)));
  });

  it('succeeds with lm-eval metric keys, the conditional loss and per-sample records for each', () => {
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    for (const [name, keys] of Object.entries(TASKS)) {
      const b = run.benchmarks.find((x: { name: string }) => x.name === name);
      expect(b).toMatchObject({ total: LIMIT, done: LIMIT });
      expect(Object.keys(b.metrics)).toEqual(expect.arrayContaining([...keys, 'cond_nll_per_token']));
      const rs = samples.get(name)!;
      expect(rs.map((r) => r.doc_id)).toEqual([0, 1, 2]);
      for (const r of rs) {
        expect(Object.keys(r.metrics).sort()).toEqual([...keys].sort());
        expect(r.loss!.nll).toBeGreaterThan(0);
      }
    }
    expect(run.benchmarks.find((x: { name: string }) => x.name === 'lambada_openai').metrics.perplexity.value).toBeGreaterThan(1);
    // Partial scoring: both WinoGrande contexts end with an option and share one continuation.
    const w = samples.get('winogrande')![0];
    expect((w.arguments as string[][]).map((a) => a[1])).toEqual([' always got the easier cases.', ' always got the easier cases.']);
  });
});
