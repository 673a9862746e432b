import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { gunzipSync } from 'node:zlib';
import { SampleRecord } from '@app/contracts';
import { ArtifactStore } from '@app/storage';
import { startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

const TASKS = ['arc_easy', 'arc_challenge', 'hellaswag', 'gsm8k', 'humaneval', 'mbpp', 'truthfulqa_mc1', 'truthfulqa_mc2', 'tinystories'];
const GENERATIVE = ['gsm8k', 'humaneval', 'mbpp'];

describe('every built-in task through the whole pipeline on a real model', () => {
  let app: INestApplication;
  let db: DataSource;
  let results: INestApplicationContext;
  let store: ArtifactStore;
  let http: ReturnType<typeof request>;
  let worker: WorkerProcess;
  let run: any;
  const records = new Map<string, SampleRecord[]>();

  beforeAll(async () => {
    let url: string;
    ({ app, url, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    results = await startResults(ResultsModule);
    store = app.get(ArtifactStore);
    http = authed(app);
    worker = new WorkerProcess('worker-tasks', url);
    const model = await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    const benchmarks = [...TASKS.map((name) => ({ name, limit: 2 })), { name: 'mmlu', limit: 1 }];
    const sub = await http.post('/v1/runs').send({ modelId: model.body.id, benchmarks, shardSize: 8 }).expect(202);
    run = await waitFor(async () => {
      const r = await http.get(`/v1/runs/${sub.body.id}`).expect(200);
      return ['succeeded', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
    }, 'the run to end', 900_000, 500);
    const artifacts = (await http.get(`/v1/runs/${sub.body.id}/artifacts`).expect(200)).body as Array<{ kind: string; key: string; benchmark: string }>;
    for (const a of artifacts.filter((x) => x.kind === 'samples')) {
      const lines = gunzipSync((await store.getBuffer(a.key))!).toString().trim().split('\n');
      records.set(a.benchmark, [...(records.get(a.benchmark) ?? []), ...lines.map((l) => JSON.parse(l) as SampleRecord)]);
    }
  }, 900_000);

  afterAll(async () => {
    await worker?.stop();
    await results?.close();
    await app?.close();
  });

  it('succeeds, with 2 samples of each task, 57 MMLU subjects and the MMLU groups aggregated', () => {
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const byName = new Map<string, any>(run.benchmarks.map((b: any) => [b.name, b]));
    for (const t of TASKS) expect(byName.get(t)).toMatchObject({ isGroup: false, total: 2, done: 2 });
    const subjects = run.benchmarks.filter((b: any) => b.name.startsWith('mmlu_') && !b.isGroup);
    expect(subjects).toHaveLength(57);
    const mmlu = byName.get('mmlu');
    expect(mmlu).toMatchObject({ isGroup: true, total: 57, done: 57 });
    expect(mmlu.metrics.acc.n).toBe(57);
    // Micro-average by size: with one question per subject, the mean of the subjects' acc.
    const mean = subjects.reduce((a: number, s: any) => a + s.metrics.acc.value, 0) / 57;
    expect(mmlu.metrics.acc.value).toBeCloseTo(mean, 12);
    for (const g of ['mmlu_stem', 'mmlu_humanities', 'mmlu_social_sciences', 'mmlu_other']) expect(byName.get(g).isGroup).toBe(true);
    expect(byName.get('mmlu_stem').metrics.acc.n + byName.get('mmlu_humanities').metrics.acc.n + byName.get('mmlu_social_sciences').metrics.acc.n + byName.get('mmlu_other').metrics.acc.n).toBe(57);
  });

  it('reports each task with its lm-eval metric keys, and the conditional loss', () => {
    const m = (name: string) => run.benchmarks.find((b: any) => b.name === name).metrics;
    expect(Object.keys(m('arc_easy'))).toEqual(expect.arrayContaining(['acc', 'acc_norm', 'cond_nll_per_token', 'cond_nll_per_byte']));
    expect(Object.keys(m('gsm8k'))).toEqual(expect.arrayContaining(['exact_match,strict-match', 'exact_match,flexible-extract', 'cond_nll_per_token']));
    expect(Object.keys(m('humaneval'))).toEqual(expect.arrayContaining(['pass@1,create_test']));
    expect(Object.keys(m('mbpp'))).toEqual(expect.arrayContaining(['pass_at_1,extract_code']));
    expect(Object.keys(m('truthfulqa_mc2'))).toEqual(expect.arrayContaining(['acc']));
    expect(Object.keys(m('tinystories'))).toEqual(expect.arrayContaining(['word_perplexity', 'byte_perplexity', 'bits_per_byte']));
    // stories260K writes tiny stories, not Python: every program fails in the sandbox.
    expect(m('humaneval')['pass@1,create_test'].value).toBe(0);
    expect(m('tinystories').bits_per_byte.value).toBeGreaterThan(0);
  });

  it('keeps per-sample records with prompt, target, response, filtered answer, metrics, tokens and timings', () => {
    for (const t of [...TASKS, 'mmlu_anatomy']) {
      const rs = records.get(t) ?? [];
      expect(rs.length).toBe(t === 'mmlu_anatomy' ? 1 : 2);
      for (const r of rs) {
        expect(r.benchmark).toBe(t);
        expect(r.arguments.length).toBeGreaterThan(0);
        expect(r.resps.length).toBeGreaterThan(0);
        expect(r.filtered_resps).toBeDefined();
        expect(Object.keys(r.metrics).length).toBeGreaterThan(0);
        expect(r.tokens.input).toBeGreaterThan(0);
        expect(r.timing.latency_ms).toBeGreaterThan(0);
        expect(r.prompt_hash).toMatch(/^[0-9a-f]{64}$/);
        if (t !== 'tinystories') expect(r.target).toBeDefined();
      }
    }
    for (const t of GENERATIVE) {
      for (const r of records.get(t)!) {
        expect(r.tokens.output).toBeGreaterThan(0);
        expect(r.timing.ttft_ms).toBeGreaterThan(0);
        expect(typeof (r.resps[0] as unknown[])[0]).toBe('string');
        expect(r.loss!.tokens).toBeGreaterThan(0);
      }
    }
    // gsm8k: 5-shot prompts, and both filters' answers recorded.
    const g = records.get('gsm8k')![0];
    expect(((g.arguments[0] as unknown[])[0] as string).split('Question:').length - 1).toBe(6);
  });

  it('writes an lm-eval compatible results.json with groups and filter keys, and a reproducibility envelope', async () => {
    const json = JSON.parse((await store.getBuffer(`runs/${run.id}/results.json`))!.toString());
    expect(json.results.gsm8k['exact_match,strict-match']).toBe(run.benchmarks.find((b: any) => b.name === 'gsm8k').metrics['exact_match,strict-match'].value);
    expect(json.results.gsm8k).toHaveProperty('exact_match_stderr,flexible-extract');
    expect(json.results.arc_easy).toHaveProperty('acc,none');
    expect(json.groups.mmlu).toHaveProperty('acc,none');
    expect(json['n-shot']).toMatchObject({ gsm8k: 5, arc_easy: 0, mmlu_anatomy: 5 });
    const env = run.envelope ?? (await http.get(`/v1/runs/${run.id}`).expect(200)).body.envelope;
    expect(env.seed).toBe(1234);
    expect(env.tasks.gsm8k).toMatchObject({ task: 'gsm8k', fewshot: { numFewshot: 5, seed: 1234 } });
    expect(env.backends[0]).toMatchObject({ kind: 'llama-cpp', engine: 'llama.cpp' });
    expect(env.backends[0].modelIdentity).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(env.machines[0].cpu.cores).toBeGreaterThan(0);
  });
});
