import { DataSource } from 'typeorm';
import { benchmarkKey } from '@app/density';
import { insertRun, testDataSource } from '@app/testing';
import { DensitiesRepository } from '@app/database';
import { SubjectScoresService } from '../src/density/subject-scores.service';

/**
 * The scores densities are read from, against real Postgres: run benchmarks are matched to reference benchmarks on
 * benchmarkKey (the SQL twin must agree with the TypeScript one), with their standard errors.
 */
describe('SubjectScoresService (Postgres): benchmark keys with few-shot counts', () => {
  let db: DataSource;
  let scores: SubjectScoresService;

  beforeAll(async () => {
    db = await testDataSource(2);
    scores = new SubjectScoresService(new DensitiesRepository(db));
  });
  afterAll(() => db?.destroy());

  it('keys a run\'s benchmarks by name and few-shot count, as benchmarkKey does', async () => {
    const { modelId, runId } = await insertRun(db, { benchmark: 'arc_easy', totalSamples: 10, status: 'succeeded' });
    const cases: Array<[string, number | null, boolean]> = [['mmlu', 5, true], ['piqa', 0, false], ['lambada_openai', null, false], ['bbh', 3, true]];
    for (const [name, shots, isGroup] of cases) {
      await db.query(
        `INSERT INTO run_benchmarks (run_id, name, is_group, num_fewshot, total_samples, metrics) VALUES ($1, $2, $3, $4, 10, $5)`,
        [runId, name, isGroup, shots, { acc: { value: 0.4, stderr: 0.05, n: 10 } }],
      );
    }
    await db.query(`UPDATE run_benchmarks SET metrics = $2 WHERE run_id = $1 AND name = 'arc_easy'`, [runId, { acc: { value: 0.3, stderr: 0.1, n: 10 } }]);
    const metrics = Object.fromEntries(['arc_easy', ...cases.map(([n, k]) => benchmarkKey(n, k)), 'mmlu', 'piqa@5-shot'].map((k) => [k, 'acc']));
    expect(Object.keys(metrics)).toEqual(['arc_easy', 'mmlu@5-shot', 'piqa', 'lambada_openai', 'bbh@3-shot', 'mmlu', 'piqa@5-shot']);

    const [run] = (await scores.runs(metrics)).filter((s) => s.subjectId === runId);
    expect(Object.keys(run.scores).sort()).toEqual(['arc_easy', 'bbh@3-shot', 'lambada_openai', 'mmlu@5-shot', 'piqa']);
    expect(run.scores['mmlu@5-shot']).toEqual({ score: 0.4, stderr: 0.05, source: `run:${runId}` });
    expect(run.scores.arc_easy).toMatchObject({ score: 0.3, stderr: 0.1 });

    const [model] = await scores.models(metrics, [modelId]);
    expect(Object.keys(model.scores).sort()).toEqual(Object.keys(run.scores).sort());
    expect(model.scores['bbh@3-shot']).toEqual({ score: 0.4, stderr: 0.05, source: `run:${runId}` });
  });
});
