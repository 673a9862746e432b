import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ArtifactStore } from '@app/storage';
import { fitReference, pollDensityJob, startApi, startResults, truncateAll, waitFor, authed } from '@app/testing';
import { DensityReportsRepository } from '@app/database';
import { BuildReportService } from '../../results/src/density/build-report.service';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';
import { ResultsModule } from '../../results/src/results.module';

// The family of density-fit.e2e-spec.ts: exact points of known curves (see there for the hand computation).
const LOSS = { a: 40, alpha: 0.3, b: 300, beta: 0.3 };
const PERF = { c: 0.7, gamma: -8, l: 0.5, d: 0.25 };
const D0 = 5e12;
const lossAt = (n: number, t: number) => LOSS.a * n ** -LOSS.alpha + LOSS.b * t ** -LOSS.beta;
const scoreAt = (loss: number) => PERF.c / (1 + Math.exp(-PERF.gamma * (loss - PERF.l))) + PERF.d;
/** N̂ for a score, by the closed-form inverse (Eq. 4) with the known parameters. */
const effectiveParams = (score: number) => {
  const lossHat = PERF.l - Math.log(PERF.c / (score - PERF.d) - 1) / PERF.gamma;
  return ((lossHat - LOSS.b * D0 ** -LOSS.beta) / LOSS.a) ** (-1 / LOSS.alpha);
};

/** An lm-evaluation-harness results_<timestamp>.json as `lm_eval --output_path` writes it (trimmed). */
const LM_EVAL_RESULTS = {
  results: {
    arc_easy: { alias: 'arc_easy', 'acc,none': 0.6, 'acc_stderr,none': 0.01005, 'acc_norm,none': 0.55, 'acc_norm_stderr,none': 0.01021 },
    hellaswag: { alias: 'hellaswag', 'acc,none': 0.2859, 'acc_stderr,none': 0.00451, 'acc_norm,none': 0.3075, 'acc_norm_stderr,none': 0.00460 },
  },
  group_subtasks: { arc_easy: [], hellaswag: [] },
  versions: { arc_easy: 1.0, hellaswag: 1.0 },
  'n-shot': { arc_easy: 0, hellaswag: 0 },
  higher_is_better: { arc_easy: { acc: true, acc_norm: true }, hellaswag: { acc: true, acc_norm: true } },
  'n-samples': { arc_easy: { original: 2376, effective: 2376 }, hellaswag: { original: 10042, effective: 10042 } },
  config: {
    model: 'hf',
    model_args: 'pretrained=EleutherAI/pythia-160m,dtype=float16',
    model_num_parameters: 162322944,
    model_dtype: 'torch.float16',
    model_revision: 'main',
    model_sha: '50f5173d932e8e61f858120bcb800b97af589f46',
    batch_size: 'auto',
    limit: null,
    bootstrap_iters: 100000,
  },
  git_hash: '4600d6b',
  date: 1714557600.0,
  transformers_version: '4.40.1',
  lm_eval_version: '0.4.2',
  model_name: 'EleutherAI/pythia-160m',
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('density: imports of existing results and reports (REST, real Postgres/Redis/S3)', () => {
  let app: INestApplication;
  let db: DataSource;
  let results: INestApplicationContext;
  let store: ArtifactStore;
  let http: ReturnType<typeof request>;

  const truncateDensity = () =>
    db.query('TRUNCATE density_references, density_imports, density_reports, densities, run_efficiency RESTART IDENTITY CASCADE');
  const leaderboardWhen = (query: string, ready: (items: Array<Record<string, any>>) => boolean) =>
    waitFor(async () => {
      const res = await http.get(`/v1/density/leaderboard${query}`).expect(200);
      return ready(res.body.items) ? res.body.items : undefined;
    }, `leaderboard ${query}`, 30_000, 200);

  beforeAll(async () => {
    ({ app, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    await truncateDensity();
    results = await startResults(ResultsModule);
    store = app.get(ArtifactStore);
    http = authed(app);
    const members = [];
    for (const [i, [n, t]] of [[1e7, 2e9], [3e7, 3e9], [1e8, 2e10], [3e8, 2e10], [1e9, 3e11]].entries()) {
      const model = await http.post('/v1/models').send({ name: `member-${i}`, paramsTotal: n, trainingTokens: t, backend: { kind: 'imported' } }).expect(201);
      members.push({ modelId: model.body.id, measurements: { arc_easy: { score: scoreAt(lossAt(n, t)), loss: lossAt(n, t) } } });
    }
    const ref = await http.post('/v1/density/references').send({ name: 'imports-family', metrics: { arc_easy: 'acc' }, members }).expect(201);
    await fitReference(http, ref.body.id);
  });

  afterAll(async () => {
    if (db) await truncateDensity();
    await results?.close();
    await app?.close();
  });

  it('imports an lm-eval results file: its scores reach the leaderboard in the family\'s metric, with provenance', async () => {
    const res = await http
      .post('/v1/density/imports?releaseDate=2023-02-13&trainingTokens=300000000000&fileName=results_2024-05-01T10-00-00.json')
      .send(LM_EVAL_RESULTS)
      .expect(201);
    expect(res.body).toMatchObject({ format: 'lm-eval', fileName: 'results_2024-05-01T10-00-00.json' });
    expect(res.body.provenance).toMatchObject({
      format: 'lm-evaluation-harness',
      gitHash: '4600d6b',
      lmEvalVersion: '0.4.2',
      transformersVersion: '4.40.1',
      date: '2024-05-01T10:00:00.000Z',
      config: expect.objectContaining({ model_args: 'pretrained=EleutherAI/pythia-160m,dtype=float16' }),
    });
    const [model] = res.body.models;
    expect(model).toMatchObject({ name: 'EleutherAI/pythia-160m', created: true });
    expect(model.scores).toEqual(
      expect.arrayContaining([{ benchmark: 'arc_easy', metric: 'acc', value: 0.6, stderr: 0.01005 }, { benchmark: 'arc_easy', metric: 'acc_norm', value: 0.55, stderr: 0.01021 }]),
    );
    const registered = (await http.get(`/v1/models/${model.modelId}`).expect(200)).body;
    expect(registered).toMatchObject({ paramsTotal: 162322944, releaseDate: '2023-02-13', trainingTokens: 3e11 });

    const [row] = await leaderboardWhen('', (items) => items.length === 1);
    // The family is fitted in acc: the row reads acc (0.6), not acc_norm; N̂ by the closed-form inverse.
    expect(row).toMatchObject({ model: 'EleutherAI/pythia-160m', params: 162322944, releaseDate: '2023-02-13', rank: 1 });
    expect(row.benchmarks.arc_easy).toMatchObject({ metric: 'acc', score: 0.6, scoreSource: `import:${res.body.id}` });
    expect(row.effectiveParams / effectiveParams(0.6) - 1).toBeLessThan(1e-6);
    expect(row.density / (effectiveParams(0.6) / 162322944) - 1).toBeLessThan(1e-6);
    expect(row.sources).toEqual([
      expect.objectContaining({ kind: 'import', id: res.body.id, format: 'lm-eval', fileName: 'results_2024-05-01T10-00-00.json', importedAt: res.body.importedAt }),
    ]);
    const listed = (await http.get(`/v1/density/imports/${res.body.id}`).expect(200)).body;
    expect(listed.models[0].scores).toHaveLength(4);
    expect((await http.get('/v1/density/imports').expect(200)).body.total).toBe(1);
  });

  it('matches models by name, refuses malformed files with the line or field, and needs a parameter count for new models', async () => {
    const again = await http.post('/v1/density/imports?params=999').send(LM_EVAL_RESULTS).expect(201);
    expect(again.body.models[0]).toMatchObject({ name: 'EleutherAI/pythia-160m', created: false });
    expect(again.body.models[0].warnings.join(' ')).toContain('params');
    const noParams = { ...LM_EVAL_RESULTS, model_name: 'unknown-size', config: { ...LM_EVAL_RESULTS.config, model_num_parameters: undefined } };
    expect((await http.post('/v1/density/imports').send(noParams).expect(400)).body.message).toContain('parameter count');
    expect((await http.post('/v1/density/imports').send({ nothing: true }).expect(400)).body.message).toContain('"results"');
    const bad = await http.post('/v1/density/imports').set('Content-Type', 'text/csv').send('model,params,arc_easy\nx,7B,abc\n').expect(400);
    expect(bad.body).toMatchObject({ error: 'DENSITY_INVALID_INPUT' });
    expect(bad.body.message).toContain("csv line 2, column 'arc_easy'");
    expect((await http.post('/v1/density/imports').set('Content-Type', 'text/csv').send('model,params,arc_easy\nx,7B,63.4\n').expect(400)).body.message).toContain('not a fraction');
    expect((await http.post('/v1/density/imports').set('Content-Type', 'text/plain').send('hello').expect(400)).body.message).toContain('text/csv');
  });

  it('builds a report (JSON, CSV, SVG and PNG plots) stored in S3, listed and downloadable byte for byte', async () => {
    // Two dated models are too few for a trend: that plot is left out, and the summary says why.
    await http.post('/v1/density/imports').set('Content-Type', 'text/csv').send('model,params,release_date,arc_easy\nlater-model,1M,2024-03-01,70%\n').expect(201);
    await leaderboardWhen('', (items) => items.length === 2);
    // The API answers at once (202, queued, no files yet) with the report to poll; the results service builds it.
    const accepted = await http.post('/v1/density/reports').send({}).expect(202);
    expect(accepted.body).toMatchObject({ status: 'queued', files: [], error: null, finishedAt: null });
    expect(accepted.headers.location).toBe(`/v1/density/reports/${accepted.body.id}`);
    const partial = { body: await pollDensityJob(http, accepted as never) };
    expect(partial.body).toMatchObject({ id: accepted.body.id, status: 'succeeded', error: null });
    expect(partial.body.files.map((f: { name: string }) => f.name)).toEqual(['leaderboard.json', 'leaderboard.csv', 'score-vs-params.svg', 'score-vs-params.png']);
    expect(partial.body.summary.trend).toBeNull();
    expect(partial.body.summary.skipped['density-vs-date']).toContain('need at least 3 points');
    // The dashboard's specs: the same charts for the same query, nothing stored.
    const partialCharts = (await http.get('/v1/density/charts').expect(200)).body;
    expect(partialCharts.charts.map((c: { name: string }) => c.name)).toEqual(['score-vs-params']);
    expect(partialCharts.skipped['density-vs-date']).toBe(partial.body.summary.skipped['density-vs-date']);
    expect(partialCharts.reference.name).toBe('imports-family');

    await http.post('/v1/density/imports').set('Content-Type', 'text/csv').send('model,params,release_date,arc_easy\nmid-model,2M,2023-09-01,0.65\n').expect(201);
    await leaderboardWhen('', (items) => items.length === 3);
    const created = { body: await pollDensityJob(http, await http.post('/v1/density/reports').send({ title: 'density report', sort: 'density' }).expect(202) as never) };
    const names = created.body.files.map((f: { name: string }) => f.name);
    expect(names).toEqual(['leaderboard.json', 'leaderboard.csv', 'score-vs-params.svg', 'score-vs-params.png', 'density-vs-date.svg', 'density-vs-date.png']);
    expect(created.body.summary).toMatchObject({ rows: 3, total: 3, skipped: {} });
    expect(created.body.summary.trend.doublingTimeDays).toBeGreaterThan(0);
    const charts = (await http.get('/v1/density/charts?sort=density').expect(200)).body;
    expect(charts.charts.map((c: { name: string }) => c.name)).toEqual(['score-vs-params', 'density-vs-date']);
    expect(charts.skipped).toEqual({});
    for (const model of ['EleutherAI/pythia-160m', 'later-model', 'mid-model']) expect(JSON.stringify(charts.charts[0].spec)).toContain(`"model":"${model}"`);
    expect(JSON.stringify(charts.charts[1].spec)).toContain('doubling every');
    expect((await http.get('/v1/density/charts?from=not-a-date').expect(400)).body.message).toEqual(expect.arrayContaining([expect.stringContaining('from')]));
    expect((await http.get('/v1/density/reports').expect(200)).body.items.map((r: { id: string }) => r.id)).toEqual([created.body.id, partial.body.id]);
    expect((await http.get(`/v1/density/reports/${created.body.id}`).expect(200)).body.files).toEqual(created.body.files);

    const [{ files }] = await db.query('SELECT files FROM density_reports WHERE id = $1', [created.body.id]);
    const downloaded = new Map<string, Buffer>();
    for (const f of created.body.files as Array<{ name: string; contentType: string; sizeBytes: number; downloadUrl: string }>) {
      const res = await http.get(f.downloadUrl).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toContain(f.contentType);
      const stored = await store.getBuffer(files.find((x: { name: string }) => x.name === f.name).key);
      expect(Buffer.compare(res.body as Buffer, stored!)).toBe(0);
      expect((res.body as Buffer).length).toBe(f.sizeBytes);
      downloaded.set(f.name, res.body as Buffer);
    }
    const json = JSON.parse(downloaded.get('leaderboard.json')!.toString());
    expect(json).toMatchObject({ kind: 'density-report', title: 'density report', reference: { name: 'imports-family' } });
    expect(json.rows.map((r: { model: string }) => r.model)).toEqual(['later-model', 'mid-model', 'EleutherAI/pythia-160m']);
    expect(json.trend.frontier).toHaveLength(3);
    const csv = downloaded.get('leaderboard.csv')!.toString().split('\n');
    expect(csv[0]).toMatch(/^rank,model,params,active_params,release_date,score,effective_params,density,/);
    expect(csv[1]).toMatch(/^1,later-model,1000000,/);
    for (const svg of ['score-vs-params.svg', 'density-vs-date.svg']) expect(downloaded.get(svg)!.toString()).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    for (const png of ['score-vs-params.png', 'density-vs-date.png']) expect(downloaded.get(png)!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(downloaded.get('density-vs-date.svg')!.toString()).toContain('doubling every');

    expect((await http.get(`/v1/density/reports/${created.body.id}/files/nope.txt`).expect(404)).body.message).toContain('has no file');

    // A re-delivered job finds the report built and builds nothing again.
    const builder = results.get(BuildReportService);
    expect(await builder.build(created.body.id)).toEqual({ status: 'succeeded' });
    expect((await db.query('SELECT files, finished_at FROM density_reports WHERE id = $1', [created.body.id]))[0].files).toEqual(files);
  });

  it('fails a report whose family is gone before it is built, with the reason and no files', async () => {
    const reports = new DensityReportsRepository(db);
    const orphan = await reports.insert({ projectId: null, scopeProjectId: null, referenceId: null, fitVersionId: null, title: 'orphan', query: { sort: 'density', order: 'desc', limit: 10, offset: 0 } });
    expect(await results.get(BuildReportService).build(orphan.id)).toEqual({ status: 'failed' });
    const failed = (await http.get(`/v1/density/reports/${orphan.id}`).expect(200)).body;
    expect(failed).toMatchObject({ status: 'failed', files: [], summary: {}, error: { code: 'not_found', message: expect.stringContaining('deleted before it was built') } });
    expect(failed.finishedAt).not.toBeNull();
    expect((await http.get(`/v1/density/reports/${orphan.id}/files/leaderboard.json`).expect(404)).body.message).toContain('it is failed');
    // Delivered again, it stays failed.
    expect(await results.get(BuildReportService).build(orphan.id)).toEqual({ status: 'failed' });
    expect(await store.list(`density/reports/${orphan.id}/`)).toEqual([]);
  });
});
