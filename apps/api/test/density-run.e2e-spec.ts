import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ArtifactStore } from '@app/storage';
import { fitReference, startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';
import { ResultsModule } from '../../results/src/results.module';

// A reference family of exact points of known curves (as in density-fit.e2e-spec.ts), so the run's density can be
// checked with the closed-form inverse: L̂ = l − ln(c/(S − d) − 1)/γ, N̂ = ((L̂ − b·D0^−β)/a)^(−1/α), ρ = N̂/N.
const LOSS = { a: 40, alpha: 0.3, b: 300, beta: 0.3 };
const PERF = { c: 0.7, gamma: -8, l: 0.5, d: 0.25 };
const D0 = 5e12;
const lossAt = (n: number, t: number) => LOSS.a * n ** -LOSS.alpha + LOSS.b * t ** -LOSS.beta;
const scoreAt = (loss: number) => PERF.c / (1 + Math.exp(-PERF.gamma * (loss - PERF.l))) + PERF.d;
const STORIES_PARAMS = 292800;
const COST_PER_HOUR = 3.6; // $/hour: cost = busy ms × 3.6 / 3.6e6 = busy ms / 1e6

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('density at run end: a real stories260K run on ARC-Easy (worker process → results → Postgres/S3)', () => {
  let app: INestApplication;
  let url: string;
  let db: DataSource;
  let results: INestApplicationContext;
  let store: ArtifactStore;
  let http: ReturnType<typeof request>;
  let worker: WorkerProcess | undefined;

  const truncateDensity = () =>
    db.query('TRUNCATE density_references, density_imports, density_reports, densities, run_efficiency RESTART IDENTITY CASCADE');

  beforeAll(async () => {
    ({ app, url, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    await truncateDensity();
    results = await startResults(ResultsModule);
    store = app.get(ArtifactStore);
    http = authed(app);
    worker = new WorkerProcess('density-worker', url, { WORKER_COST_PER_HOUR: String(COST_PER_HOUR) });
    await waitFor(async () => ((await http.get('/v1/workers?status=active').expect(200)).body.length >= 1 ? true : undefined), 'the worker to register');
  });

  afterAll(async () => {
    await worker?.stop();
    if (db) await truncateDensity();
    await results?.close();
    await app?.close();
  });

  it('stores and shows the run\'s density (or null with the reason), efficiency figures and a report downloadable byte for byte', async () => {
    const members = [];
    for (const [i, [n, t]] of [[1e7, 2e9], [3e7, 3e9], [1e8, 2e10], [3e8, 2e10], [1e9, 3e11]].entries()) {
      const m = await http.post('/v1/models').send({ name: `ref-${i}`, paramsTotal: n, trainingTokens: t, backend: { kind: 'imported' } }).expect(201);
      members.push({ modelId: m.body.id, measurements: { arc_easy: { score: scoreAt(lossAt(n, t)), loss: lossAt(n, t) } } });
    }
    const ref = await http.post('/v1/density/references').send({ name: 'run-end-family', metrics: { arc_easy: 'acc' }, members }).expect(201);
    const version = (await fitReference(http, ref.body.id)).version;
    // A family that is not measured at run end (atRunEnd: false) gets no figures for the run.
    const quiet = await http.post('/v1/density/references').send({ name: 'not-at-run-end', atRunEnd: false, metrics: { arc_easy: 'acc' }, members }).expect(201);
    await fitReference(http, quiet.body.id);

    const model = await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: STORIES_PARAMS, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    const sub = await http.post('/v1/runs').send({ modelId: model.body.id, benchmarks: [{ name: 'arc_easy', limit: 40 }], shardSize: 20 }).expect(202);
    const run = await waitFor(async () => {
      const r = await http.get(`/v1/runs/${sub.body.id}`).expect(200);
      return ['succeeded', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
    }, 'the run to end', 180_000, 300);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const acc: number = run.benchmarks[0].metrics.acc.value;

    // Capability density against the family's latest fit: the closed-form inverse, or null with the reason.
    expect(run.density.references).toHaveLength(1);
    const [density] = run.density.references;
    expect(density).toMatchObject({ referenceId: ref.body.id, reference: 'run-end-family', fitVersionId: version.id, version: 1, d0Tokens: D0 });
    expect(density.benchmarks).toHaveLength(1);
    expect(density.benchmarks[0]).toMatchObject({ benchmark: 'arc_easy', metric: 'acc', params: STORIES_PARAMS });
    expect(density.benchmarks[0].score).toBeCloseTo(acc, 12);
    expect(density.headline.benchmark).toBe('AVERAGE');
    if (acc <= PERF.d) {
      expect(density.headline).toMatchObject({ density: null, effectiveParams: null, undefinedReason: 'SCORE_AT_OR_BELOW_CHANCE' });
      expect(density.headline.message).toContain('lower asymptote');
    } else {
      const lossHat = PERF.l - Math.log(PERF.c / (acc - PERF.d) - 1) / PERF.gamma;
      const nHat = ((lossHat - LOSS.b * D0 ** -LOSS.beta) / LOSS.a) ** (-1 / LOSS.alpha);
      expect(density.headline.undefinedReason).toBeNull();
      expect(Math.abs(density.headline.density / (nHat / STORIES_PARAMS) - 1)).toBeLessThan(1e-6);
    }

    // Token value, cost density (worker $/hour × busy time) and compute density (FLOPs ≈ 2·N_active·tokens).
    const pooled = run.density.efficiency.find((e: { benchmark: string }) => e.benchmark === 'ALL');
    const arc = run.density.efficiency.find((e: { benchmark: string }) => e.benchmark === 'arc_easy');
    expect(arc).toMatchObject({ metric: 'acc_norm', items: 40 });
    expect(pooled).toMatchObject({ items: 40, inputTokens: arc.inputTokens, outputTokens: arc.outputTokens });
    expect(pooled.inputTokens).toBe(run.tokens.input);
    expect(pooled.busyMs).toBeGreaterThan(0);
    expect(pooled.costUsd).toBeCloseTo(pooled.busyMs / 1e6, 12);
    expect(pooled.pricing).toMatchObject({ kind: 'worker', source: 'workers cost per hour × busy time' });
    expect(pooled.pricing.usdPerHour).toBeCloseTo(COST_PER_HOUR, 9);
    expect(pooled.computeDensity.flops).toBe(2 * STORIES_PARAMS * (pooled.inputTokens + pooled.outputTokens));
    // Log-likelihood tasks generate no tokens: score per 1k generated tokens has no number, and says why.
    expect(pooled.outputTokens).toBe(0);
    expect(pooled.tokenValue.scorePer1kOutputTokens).toMatchObject({ defined: false, reason: 'ZERO_DENOMINATOR' });
    const correct = pooled.score * 40;
    if (correct > 0) expect(pooled.costDensity.scorePerDollar.value).toBeCloseTo(correct / pooled.costUsd, 6);
    else expect(pooled.costDensity.dollarsPerCorrect).toMatchObject({ defined: false, reason: 'NO_CORRECT_ANSWERS' });

    // results.json carries the same figures as densebench.density.
    const resultsJson = JSON.parse((await store.getBuffer(`runs/${sub.body.id}/results.json`))!.toString());
    const section = resultsJson.densebench.density;
    expect(section).toMatchObject({ computed: true, errors: [] });
    expect(section.references[0].headline).toEqual({ ...density.headline, scoreSource: `run:${sub.body.id}` });
    expect(section.efficiency.map((e: { benchmark: string }) => e.benchmark)).toEqual(['arc_easy', 'ALL']);
    expect(section.report).toEqual({ json: `runs/${sub.body.id}/report/density.json`, csv: `runs/${sub.body.id}/report/density.csv` });

    // The run's report: two `report` artifacts, served byte for byte by the artifact download endpoint.
    expect(run.density.reports.map((r: { name: string }) => r.name)).toEqual(['density.csv', 'density.json']);
    const artifacts = (await http.get(`/v1/runs/${sub.body.id}/artifacts`).expect(200)).body.filter((a: { kind: string }) => a.kind === 'report');
    expect(artifacts.map((a: { key: string }) => a.key).sort()).toEqual([section.report.csv, section.report.json]);
    for (const a of artifacts as Array<{ id: string; key: string; contentType: string }>) {
      const res = await http.get(`/v1/artifacts/${a.id}/download`).buffer(true).parse(binary).expect(200);
      expect(Buffer.compare(res.body as Buffer, (await store.getBuffer(a.key))!)).toBe(0);
      if (a.key.endsWith('.json')) expect(JSON.parse((res.body as Buffer).toString())).toMatchObject({ kind: 'run-density-report', runId: sub.body.id });
      else expect((res.body as Buffer).toString().split('\n')[1]).toMatch(/^run-end-family,1,densing-law-two-step,,arc_easy,acc,/);
    }

    // The model is on the leaderboard with the run's scores and efficiency.
    const board = (await http.get(`/v1/density/leaderboard?reference=run-end-family`).expect(200)).body;
    expect(board.items).toHaveLength(1);
    expect(board.items[0]).toMatchObject({ model: 'stories260K', density: density.headline.density, tokenValue: null });
    expect(board.items[0].efficiency.runId).toBe(sub.body.id);
    expect(board.items[0].sources).toEqual([{ kind: 'run', id: sub.body.id }]);
  });
});
