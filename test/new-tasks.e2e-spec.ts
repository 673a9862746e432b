import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SampleRecord } from '@app/contracts';
import { ArtifactStore } from '@app/storage';
import { runSamples, startApi, startResults, submitAndWait, truncateAll, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
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
/**
 * Generative tasks with one document each, not whole groups (group aggregation is unit-tested, and
 * MMLU's goes through the pipeline in builtin-tasks.e2e-spec): stories260K never writes the stop
 * sequences, so every answer runs to the token limit (256, 1024 with CoT) on a 1,000-token prompt,
 * 20 to 60 s a document on a busy 2-core machine.
 */
const GENERATIVE: Record<string, string> = {
  bbh_fewshot_boolean_expressions: 'exact_match',
  bbh_cot_fewshot_boolean_expressions: 'exact_match,get-answer',
  minerva_math_algebra: 'exact_match',
  hendrycks_math_algebra: 'exact_match',
};
const COT = 'bbh_cot_fewshot_boolean_expressions';

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
    ({ app, url, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    results = await startResults(ResultsModule);
    http = authed(app);
    worker = new WorkerProcess('worker-new-tasks', url);
    const model = await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    const benchmarks = [...Object.keys(TASKS).map((name) => ({ name, limit: LIMIT })), ...Object.keys(GENERATIVE).map((name) => ({ name, limit: 1 }))];
    run = await submitAndWait(http, { modelId: model.body.id, benchmarks, shardSize: 8 });
    samples = await runSamples(http, app.get(ArtifactStore), run.id);
  }, 900_000);

  afterAll(async () => {
    await worker?.stop();
    await results?.close();
    await app?.close();
  });

  it('GET /v1/benchmarks lists them', async () => {
    const { tasks, groups } = (await http.get('/v1/benchmarks').expect(200)).body;
    expect(tasks.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(Object.keys(TASKS)));
    expect(groups.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining(['bbh_fewshot', 'bbh_cot_fewshot', 'bbh', 'minerva_math', 'hendrycks_math']));
    expect(tasks.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['minerva_math500', 'hendrycks_math500']));
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
    for (const [name, key] of Object.entries(GENERATIVE)) {
      const b = run.benchmarks.find((x: { name: string }) => x.name === name);
      expect(b).toMatchObject({ total: 1, done: 1 });
      expect(b.metrics[key].n).toBe(1);
      expect(samples.get(name)![0].tokens.output).toBeGreaterThan(0);
    }
    // CoT: the generation and the answer the get-answer filter took from it are both recorded.
    const cot = samples.get(COT)![0];
    expect(typeof (cot.resps[0] as string[])[0]).toBe('string');
    expect(cot.filtered_resps).toHaveLength(1);
    // Partial scoring: both WinoGrande contexts end with an option and share one continuation.
    const w = samples.get('winogrande')![0];
    expect((w.arguments as string[][]).map((a) => a[1])).toEqual([' always got the easier cases.', ' always got the easier cases.']);
  });
});
