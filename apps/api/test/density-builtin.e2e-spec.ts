import { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ReferenceCalibration } from '@app/density';
import { startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';
import { ResultsModule } from '../../results/src/results.module';
import { BuiltinReferenceService } from '../../results/src/density/builtin/builtin-reference.service';
import { readPythiaTable } from '../../results/src/density/builtin/pythia-calibration';

const COMPOSED = 'densing-law-composed-on-scores';
const PYTHIA_SIZES = ['pythia-70m', 'pythia-160m', 'pythia-410m', 'pythia-1b', 'pythia-1.4b', 'pythia-2.8b', 'pythia-6.9b', 'pythia-12b'];

describe('the built-in Pythia reference (results service install → API → a real run)', () => {
  let app: INestApplication;
  let db: DataSource;
  let url: string;
  let results: INestApplicationContext;
  let builtin: BuiltinReferenceService;
  let http: ReturnType<typeof request>;
  let worker: WorkerProcess | undefined;

  const truncateDensity = () =>
    db.query('TRUNCATE density_references, density_imports, density_reports, densities, run_efficiency RESTART IDENTITY CASCADE');
  const pythia = async () => (await http.get('/v1/density/references').expect(200)).body.find((r: { name: string }) => r.name === 'pythia');

  beforeAll(async () => {
    ({ app, url, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    await truncateDensity();
    results = await startResults(ResultsModule);
    builtin = results.get(BuiltinReferenceService);
    http = authed(app);
  });

  afterAll(async () => {
    await worker?.stop();
    if (db) {
      await truncateDensity();
      await truncateAll(db);
    }
    await results?.close();
    await app?.close();
  });

  it('installs pythia on a fresh database: 8 models, fitted with the composed method, listed and explained by the API', async () => {
    expect(await pythia()).toBeUndefined();
    const installed = await builtin.install('pythia');
    expect(installed).toMatchObject({ status: 'fitted', version: 1 });

    const ref = await pythia();
    expect(ref).toMatchObject({ builtin: 'pythia', isDefault: true, atRunEnd: true, latestVersion: 1, method: COMPOSED, d0Tokens: 299892736000 });
    expect(ref.description).toContain('composes');
    const details = (await http.get(`/v1/density/references/${ref.id}`).expect(200)).body;
    expect(details.members.map((m: { model: string }) => m.model).sort()).toEqual([...PYTHIA_SIZES].sort());
    expect(details.members.find((m: { model: string }) => m.model === 'pythia-70m')).toMatchObject({ params: 70426624, trainingTokens: 299892736000 });
    const [summary] = details.versions;
    expect(summary).toMatchObject({ version: 1, method: COMPOSED });
    expect(summary.quality.arc_easy.validation).toMatchObject({ method: 'leave-one-size-out', validated: true });
    expect(summary.quality.mmlu.validation.validated).toBe(false);
    expect(summary.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^arc_challenge left out: /), expect.stringMatching(/^mmlu: not validated/)]));

    const version = (await http.get(`/v1/density/references/${ref.id}/versions/1`).expect(200)).body;
    expect(version.calibration).toMatchObject({ kind: 'reference-calibration', method: COMPOSED, d0Tokens: 299892736000 });
    expect(version.library).toMatchObject({ method: COMPOSED, builtin: 'pythia', tableSha256: readPythiaTable().sha256, fitRevision: 1 });
    // every point fitted: 6 zero-shot benchmarks × 8 sizes × 26 checkpoints, 6 five-shot × 8 × 15 (arc_challenge, logiqa@5-shot left out)
    expect(version.dataPoints).toHaveLength(6 * 208 + 6 * 120);
    expect(version.dataPoints[0].scoreSource).toMatch(/^table:pythia-v1\/pythia-[\w.-]+\/(zero|five)-shot\/.+\.json$/);

    // Refitting by hand is refused with the reason: the results service owns the built-in fit.
    const fit = await http.post(`/v1/density/references/${ref.id}/fit`).expect(409);
    expect(fit.body.message).toContain('built-in reference');
  });

  it('is idempotent: a current fit is kept; a changed table gives one new version however many replicas store it', async () => {
    const before = await pythia();
    expect(await builtin.install('pythia')).toMatchObject({ status: 'current' });
    expect((await pythia()).latestVersion).toBe(before.latestVersion);

    // As if the table had changed since version 1: two replicas store their fit at once; one version results.
    await db.query(`UPDATE density_fit_versions SET library = jsonb_set(library, '{tableSha256}', '"an older table"') WHERE reference_id = $1`, [before.id]);
    const [{ calibration }] = await db.query(`SELECT calibration FROM density_fit_versions WHERE reference_id = $1`, [before.id]);
    const table = readPythiaTable();
    const outcomes = await Promise.all([builtin.store(table, calibration as ReferenceCalibration), builtin.store(table, calibration as ReferenceCalibration)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['current', 'fitted']);
    expect((await pythia()).latestVersion).toBe(2);
    const [{ count }] = await db.query(`SELECT count(*)::int AS count FROM models WHERE name LIKE 'pythia-%'`);
    expect(count).toBe(8);
    const [{ imports }] = await db.query(`SELECT count(*)::int AS imports FROM density_imports WHERE format = 'builtin'`);
    expect(imports).toBe(1);
  });

  it('puts the Pythia models on the leaderboard, each near its own size', async () => {
    const board = await waitFor(async () => {
      const b = (await http.get('/v1/density/leaderboard?reference=pythia&limit=50').expect(200)).body;
      return b.items.length === 8 ? b : undefined;
    }, 'the recompute job to measure the Pythia models', 120_000, 500);
    expect(board.fitVersion).toMatchObject({ version: 2, method: COMPOSED });
    expect(board.items.map((r: { model: string }) => r.model).sort()).toEqual([...PYTHIA_SIZES].sort());
    for (const row of board.items) {
      expect(row.sources).toEqual([expect.objectContaining({ kind: 'import', format: 'builtin' })]);
      expect(row.density).toBeGreaterThan(0.5);
      expect(row.density).toBeLessThan(row.model === 'pythia-12b' ? 2.5 : 1.5);
      expect(row.benchmarks['mmlu@5-shot'].score).toBeGreaterThan(0.2);
    }
  });

  it('measures a real stories260K run against pythia at run end: a density, or the reason with the reference\'s range', async () => {
    worker = new WorkerProcess('builtin-density-worker', url);
    await waitFor(async () => ((await http.get('/v1/workers?status=active').expect(200)).body.length >= 1 ? true : undefined), 'the worker to register');
    const model = await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    const sub = await http.post('/v1/runs').send({ modelId: model.body.id, benchmarks: [{ name: 'arc_easy', limit: 20 }], shardSize: 20 }).expect(202);
    const run = await waitFor(async () => {
      const r = await http.get(`/v1/runs/${sub.body.id}`).expect(200);
      return ['succeeded', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
    }, 'the run to end', 180_000, 300);
    expect(run.status).toBe('succeeded');
    const against = run.density.references.find((r: { reference: string }) => r.reference === 'pythia');
    expect(against).toMatchObject({ method: COMPOSED, version: 2 });
    const arc = against.benchmarks.find((b: { benchmark: string }) => b.benchmark === 'arc_easy');
    expect(arc).toMatchObject({ metric: 'acc_norm', params: 292800, validation: { validated: true } });
    expect(arc.score).toBeCloseTo(run.benchmarks[0].metrics.acc_norm.value, 12);
    expect(against.benchmarks.find((b: { benchmark: string }) => b.benchmark === 'mmlu@5-shot')).toMatchObject({ score: null, validation: { validated: false } });
    if (arc.density === null) {
      expect(['SCORE_AT_OR_BELOW_CHANCE', 'SCORE_WITHIN_NOISE_OF_CHANCE']).toContain(arc.undefinedReason);
      expect(arc.message).toMatch(/the reference's own scores span 0\.\d+–0\.\d+; densities exist for scores in \(0\.\d+, /);
    } else {
      expect(arc.effectiveParams).toBeGreaterThan(0);
    }
    expect(against.headline).toMatchObject({ benchmark: 'AVERAGE', density: null, undefinedReason: 'MISSING_SCORE' });
    expect(against.headline.message).toContain('no score on lambada_openai, piqa, winogrande');
  });

  it('leaves a user\'s own family named pythia alone', async () => {
    const [{ calibration }] = await db.query(`SELECT calibration FROM density_fit_versions ORDER BY created_at DESC LIMIT 1`);
    await truncateDensity();
    const m = await http.post('/v1/models').send({ name: 'mine', paramsTotal: 1e8, trainingTokens: 1e10, backend: { kind: 'imported' } }).expect(201);
    await http.post('/v1/density/references').send({ name: 'pythia', metrics: { arc_easy: 'acc' }, members: [{ modelId: m.body.id }] }).expect(201);
    expect(await builtin.store(readPythiaTable(), calibration as ReferenceCalibration)).toMatchObject({ status: 'skipped' });
    expect(await pythia()).toMatchObject({ builtin: null, latestVersion: null });
  });
});
