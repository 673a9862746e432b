import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { fitReference, pollDensityJob, startApi, startResults, truncateAll, waitFor, authed } from '@app/testing';
import { DensityFitsRepository } from '@app/database';
import { DensityRequestsScheduler } from '../../results/src/density/density-requests.scheduler';
import { FitReferenceService } from '../../results/src/density/fit-reference.service';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';
import { ResultsModule } from '../../results/src/results.module';

/*
 * A worked example through the REST API. The reference family is generated from known curves:
 *   Step 1 (Eq. 2)  L(N, D) = a·N^−α + b·D^−β          with a = 40, α = 0.3, b = 300, β = 0.3
 *   Step 2 (Eq. 3)  S(L)    = c / (1 + e^(−γ(L − l))) + d  with c = 0.7, γ = −8, l = 0.5, d = 0.25
 * Five members (N, D) → (L, S) are exact points of these curves, so the fit must give back these parameters,
 * and the density of a target model can be computed by hand with them (D0 = 5·10^12 tokens):
 *   target-a, N = 10^6, S = 0.6:
 *   L̂ = l − (1/γ)·ln(c/(S − d) − 1) = 0.5 − (1/−8)·ln(0.7/0.35 − 1) = 0.5 − (1/−8)·ln 1 = 0.5
 *   b·D0^−β = 300 · (5·10^12)^−0.3 = 300 · e^(−0.3 · 29.2404590) = 300 · 1.5499190e−4 = 0.0464976
 *   N̂ = ((L̂ − b·D0^−β)/a)^(−1/α) = ((0.5 − 0.0464976)/40)^(−1/0.3) = 0.0113376^(−3.33333)
 *      = e^(3.33333 · 4.4796341) = e^(14.932114) = 3.05446·10^6
 *   ρ = N̂/N = 3.05446
 */
const TRUE_LOSS = { a: 40, alpha: 0.3, b: 300, beta: 0.3 };
const TRUE_PERF = { c: 0.7, gamma: -8, l: 0.5, d: 0.25 };
const D0 = 5e12;
const lossAt = (p: typeof TRUE_LOSS, n: number, t: number) => p.a * n ** -p.alpha + p.b * t ** -p.beta;
const scoreAt = (p: typeof TRUE_PERF, loss: number) => p.c / (1 + Math.exp(-p.gamma * (loss - p.l))) + p.d;
const FAMILY: Array<[string, number, number]> = [
  ['fam-10m', 1e7, 2e9],
  ['fam-30m', 3e7, 3e9],
  ['fam-100m', 1e8, 2e10],
  ['fam-300m', 3e8, 2e10],
  ['fam-1b', 1e9, 3e11],
];
const expectRelative = (actual: number, expected: number, tol = 1e-6) => expect(Math.abs(actual / expected - 1)).toBeLessThan(tol);

describe('density: reference fit, leaderboard, chance level, too few points and trend (REST, real Postgres/Redis/S3)', () => {
  let app: INestApplication;
  let db: DataSource;
  let results: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let referenceId: string;
  let fitted: { loss: typeof TRUE_LOSS; perf: typeof TRUE_PERF };

  const truncateDensity = () =>
    db.query('TRUNCATE density_references, density_imports, density_reports, densities, run_efficiency RESTART IDENTITY CASCADE');
  const registerModel = async (name: string, paramsTotal: number, trainingTokens?: number) =>
    (await http.post('/v1/models').send({ name, paramsTotal, trainingTokens, backend: { kind: 'imported' } }).expect(201)).body.id as string;
  const importCsv = (csv: string, query = '') => http.post(`/v1/density/imports${query}`).set('Content-Type', 'text/csv').send(csv);
  const leaderboardWhen = (query: string, ready: (body: { items: Array<Record<string, any>> }) => boolean) =>
    waitFor(async () => {
      const res = await http.get(`/v1/density/leaderboard${query}`).expect(200);
      return ready(res.body) ? res.body : undefined;
    }, `leaderboard ${query}`, 30_000, 200);

  beforeAll(async () => {
    ({ app, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    await truncateDensity();
    results = await startResults(ResultsModule);
    http = authed(app);
  });

  afterAll(async () => {
    if (db) await truncateDensity();
    await results?.close();
    await app?.close();
  });

  it('fits a five-model family generated from known curves and gives those parameters back, as a new immutable version', async () => {
    const members = [];
    for (const [name, n, t] of FAMILY) {
      const loss = lossAt(TRUE_LOSS, n, t);
      members.push({ modelId: await registerModel(name, n, t), measurements: { arc_easy: { score: scoreAt(TRUE_PERF, loss), loss } } });
    }
    const created = await http
      .post('/v1/density/references')
      .send({ name: 'worked-example', metrics: { arc_easy: 'acc' }, isDefault: true, members })
      .expect(201);
    referenceId = created.body.id;
    expect(created.body).toMatchObject({ d0Tokens: D0, frontier: 'record', isDefault: true, latestVersion: null, versions: [] });
    expect(created.body.members).toHaveLength(5);

    // The API answers at once (202, queued) with the request to poll; the results service fits.
    const accepted = await http.post(`/v1/density/references/${referenceId}/fit`).expect(202);
    expect(accepted.body).toMatchObject({ referenceId, status: 'queued', version: null, error: null });
    expect(accepted.headers.location).toBe(`/v1/density/references/${referenceId}/fits/${accepted.body.id}`);
    const ended = await pollDensityJob(http, accepted as never);
    expect(ended).toMatchObject({ id: accepted.body.id, status: 'succeeded', error: null });
    expect(ended.recomputeJobId).toBe(`density-recompute-${ended.version.id}-fit`);
    const fit = { body: ended.version };
    expect(fit.body.version).toBe(1);
    expect(fit.body.metrics).toEqual({ arc_easy: 'acc' });
    expect(fit.body.library).toMatchObject({ schemaVersion: 1, method: 'densing-law-two-step' });
    expect(fit.body.dataPoints).toHaveLength(5);
    expect(fit.body.dataPoints.every((p: { scoreSource: string; lossSource: string }) => p.scoreSource === 'given' && p.lossSource === 'given')).toBe(true);
    const curves = fit.body.calibration.benchmarks.arc_easy;
    for (const k of ['a', 'alpha', 'b', 'beta'] as const) expectRelative(curves.loss.params[k], TRUE_LOSS[k]);
    for (const k of ['c', 'gamma', 'l', 'd'] as const) expectRelative(curves.performance.params[k], TRUE_PERF[k]);
    expect(fit.body.quality.arc_easy.loss.rSquared).toBeCloseTo(1, 10);
    expect(fit.body.quality.AVERAGE.performance.rSquared).toBeCloseTo(1, 10);
    fitted = { loss: fit.body.calibration.average.loss.params, perf: fit.body.calibration.average.performance.params };

    // A refit is a new version; the first one is kept as it was.
    const refit = { body: (await fitReference(http, referenceId)).version };
    expect(refit.body.version).toBe(2);
    const detail = await http.get(`/v1/density/references/${referenceId}`).expect(200);
    expect(detail.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const v1 = await http.get(`/v1/density/references/${referenceId}/versions/1`).expect(200);
    expect(v1.body.id).toBe(fit.body.id);
    expect(v1.body.calibration).toEqual(fit.body.calibration);
    expect((await http.get('/v1/density/references').expect(200)).body[0]).toMatchObject({ id: referenceId, latestVersion: 2 });
  });

  it('puts a target model on the leaderboard with the hand-computed density, and a score at chance as null with its reason', async () => {
    const imported = await importCsv('model,params,release_date,arc_easy\ntarget-a,1000000,2024-01-01,0.6\nchance-model,5000000,2024-02-01,0.2\n', '?fileName=targets.csv')
      .expect(201);
    expect(imported.body.models.map((m: { name: string; created: boolean }) => [m.name, m.created])).toEqual([['target-a', true], ['chance-model', true]]);
    expect(imported.body.recomputeJobIds).toHaveLength(1);

    const board = await leaderboardWhen('', (b) => b.items.length === 2);
    const [a, chance] = board.items;
    // By hand, with the known parameters (see the header): N̂ = ((0.5 − 300·(5e12)^−0.3)/40)^(−1/0.3), ρ = N̂ / 10^6.
    const nHat = ((0.5 - TRUE_LOSS.b * D0 ** -TRUE_LOSS.beta) / TRUE_LOSS.a) ** (-1 / TRUE_LOSS.alpha);
    expectRelative(nHat, 3.05446e6, 1e-5);
    expect(a).toMatchObject({ rank: 1, model: 'target-a', params: 1e6, releaseDate: '2024-01-01', densityUndefinedReason: null });
    expect(a.score).toBeCloseTo(0.6, 12);
    expectRelative(a.effectiveParams, nHat);
    expectRelative(a.density, nHat / 1e6);
    expectRelative(a.benchmarks.arc_easy.density, nHat / 1e6);
    expect(a.sources).toEqual([expect.objectContaining({ kind: 'import', format: 'csv', fileName: 'targets.csv' })]);

    expect(chance).toMatchObject({ rank: null, model: 'chance-model', score: 0.2, density: null, effectiveParams: null, densityUndefinedReason: 'SCORE_AT_OR_BELOW_CHANCE' });
    expect(chance.densityMessage).toContain('lower asymptote');
    expect(chance.benchmarks.arc_easy).toMatchObject({ density: null, undefinedReason: 'SCORE_AT_OR_BELOW_CHANCE' });

    // Sorting, filtering and paging.
    const byScore = (await http.get('/v1/density/leaderboard?sort=score&order=asc').expect(200)).body;
    expect(byScore.items.map((r: { model: string }) => r.model)).toEqual(['chance-model', 'target-a']);
    const dated = (await http.get('/v1/density/leaderboard?from=2024-01-15&to=2024-12-31').expect(200)).body;
    expect(dated.items.map((r: { model: string }) => r.model)).toEqual(['chance-model']);
    const page = (await http.get('/v1/density/leaderboard?limit=1&offset=1').expect(200)).body;
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.items.map((r: { model: string }) => r.model)).toEqual(['chance-model']);
    expect((await http.get('/v1/density/leaderboard?benchmarks=hellaswag').expect(200)).body.items).toEqual([]);
    expect((await http.get('/v1/density/leaderboard?sort=colour').expect(400)).body.message.join(' ')).toContain('sort must be one of');
  });

  it('does not fit twice when a fit job is delivered again', async () => {
    const done = await fitReference(http, referenceId);
    const fits = results.get(FitReferenceService);
    expect(await fits.run(done.id)).toEqual({ status: 'succeeded', fitVersionId: done.version.id });
    expect(await fits.run(done.id, true)).toEqual({ status: 'succeeded', fitVersionId: done.version.id });
    const versions = (await http.get(`/v1/density/references/${referenceId}`).expect(200)).body.versions.map((v: { version: number }) => v.version);
    expect(versions).toEqual([3, 2, 1]);
    expect((await db.query(`SELECT count(*)::int AS n FROM density_fit_versions WHERE library ->> 'fitId' = $1`, [done.id]))[0].n).toBe(1);
  });

  it('fits a request whose job Redis lost once the results service enqueues the unfinished ones again (at its start)', async () => {
    const lost = await new DensityFitsRepository(db).insert({ projectId: null, referenceId }); // queued, no job
    expect(await results.get(DensityRequestsScheduler).requeue()).toBeGreaterThanOrEqual(1);
    const ended = await pollDensityJob(http, { headers: { location: `/v1/density/references/${referenceId}/fits/${lost.id}` }, body: lost as never });
    expect(ended).toMatchObject({ status: 'succeeded', version: { version: 4 } });
  });

  it('fails a fit of a family with too few points (DENSITY_INSUFFICIENT_DATA) and stores no version', async () => {
    const members = [];
    for (const [name, n, t] of [['few-1', 2e7, 4e9], ['few-2', 6e7, 9e9], ['few-3', 2e8, 5e10]] as const) {
      const loss = lossAt(TRUE_LOSS, n, t);
      members.push({ modelId: await registerModel(name, n, t), measurements: { arc_easy: { score: scoreAt(TRUE_PERF, loss), loss } } });
    }
    const ref = await http.post('/v1/density/references').send({ name: 'too-few', metrics: { arc_easy: 'acc' }, members }).expect(201);
    const res = await fitReference(http, ref.body.id, 'failed');
    expect(res).toMatchObject({ status: 'failed', version: null, recomputeJobId: null });
    expect(res.error.code).toBe('DENSITY_INSUFFICIENT_DATA');
    expect(res.error.message).toContain('need at least 5 points');
    expect(res.error.details).toMatchObject({ n: 3 });
    expect(res.finishedAt).not.toBeNull();
    // Nothing half-written: no version, no densities, and a re-delivered job leaves it failed.
    expect(await results.get(FitReferenceService).run(res.id)).toEqual({ status: 'failed' });
    expect((await db.query(`SELECT count(*)::int AS n FROM density_fit_versions WHERE reference_id = $1`, [ref.body.id]))[0].n).toBe(0);
    expect((await http.get(`/v1/density/references/${ref.body.id}`).expect(200)).body).toMatchObject({ latestVersion: null, versions: [] });
    // A family member without trainingTokens cannot be in the loss family, and the metric must be named for given numbers.
    const noTokens = await registerModel('no-tokens', 1e8);
    expect((await http.post('/v1/density/references').send({ name: 'bad', members: [{ modelId: noTokens }] }).expect(400)).body.message).toContain('trainingTokens');
    const noMetric = await http.post('/v1/density/references').send({ name: 'no-metric', members }).expect(201);
    const uninferred = await fitReference(http, noMetric.body.id, 'failed');
    expect(uninferred.error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('cannot be inferred') });
    // A fit request of another family, or of none, is not found.
    expect((await http.get(`/v1/density/references/${referenceId}/fits/${uninferred.id}`).expect(404)).body.error).toBe('not_found');
  });

  it('finds a doubling time of 100 days for models whose densities double exactly every 100 days', async () => {
    // Scores that invert exactly to ρ = 0.5·2^(k) for k = 0..3, 100 days apart, with the fitted parameters the API returned:
    // S = c / (1 + e^(−γ(L − l))) + d with L = a·N̂^−α + b·D0^−β and N̂ = ρ·N.
    const N = 1e7;
    const start = Date.parse('2023-01-01T00:00:00Z');
    const lines = [0, 1, 2, 3].map((k) => {
      const nHat = 0.5 * 2 ** k * N;
      const score = scoreAt(fitted.perf, lossAt(fitted.loss, nHat, D0));
      const date = new Date(start + k * 100 * 86_400_000).toISOString().slice(0, 10);
      return `trend-${k},${N},${date},${score}`;
    });
    await importCsv(`model,params,release_date,arc_easy\n${lines.join('\n')}\n`, '?source=synthetic').expect(201);
    await leaderboardWhen('?to=2023-12-31', (b) => b.items.length === 4 && b.items.every((r) => r.density !== null));

    const trend = (await http.get('/v1/density/trend?from=2023-01-01&to=2023-12-31').expect(200)).body;
    expect(trend.frontierRule).toBe('record');
    expect(trend.frontier).toHaveLength(4);
    expect(trend.doublingTimeDays).toBeCloseTo(100, 6);
    expect(trend.doublingTimeMonths).toBeCloseTo(100 / 30.4375, 6);
    expect(trend.rSquared).toBeCloseTo(1, 9);
    expect(trend.confidence.doublingTimeDays[0]).toBeCloseTo(100, 4);
    expect(trend.confidence.doublingTimeDays[1]).toBeCloseTo(100, 4);
    expect(trend.points.map((p: { density: number }) => p.density).map((d: number) => d / 0.5)).toEqual([1, 2, 4, 8].map((x) => expect.closeTo(x, 8)));

    const one = await http.get('/v1/density/trend?from=2023-01-01&to=2023-01-02').expect(422);
    expect(one.body.error).toBe('DENSITY_INSUFFICIENT_DATA');
  });

  it('documents the density endpoints in the OpenAPI document', async () => {
    const doc = (await http.get('/docs/openapi.json').expect(200)).body;
    for (const path of ['/v1/density/references', '/v1/density/references/{id}/fit', '/v1/density/references/{id}/fits/{fitId}', '/v1/density/imports', '/v1/density/leaderboard', '/v1/density/trend', '/v1/density/reports/{id}/files/{name}']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.components.schemas.RunResponseDto.properties.density).toBeDefined();
  });
});
