import { parse } from 'csv-parse/sync';
import { FitDataPoint } from '@app/database';
import { calibrateReference } from '@app/density';
import type { LeaderboardRow } from '../leaderboard-reader';
import { leaderboardCsv, scoreChartSpec } from '../report-files';

const row = (over: Partial<LeaderboardRow>): LeaderboardRow => ({
  rank: null, modelId: 'id', model: 'm', params: 1e6, activeParams: null, releaseDate: null, score: null, effectiveParams: null, density: null,
  densityUndefinedReason: null, densityMessage: null, benchmarks: {}, tokenValue: null, costDensity: null, computeDensity: null, efficiency: null, sources: [],
  ...over,
});

const members = [[1e7, 2e9], [3e7, 3e9], [1e8, 2e10], [3e8, 2e10], [1e9, 3e11]].map(([n, t], i) => {
  const loss = 40 * n ** -0.3 + 300 * t ** -0.3;
  return { id: `m${i}`, params: n, tokens: t, losses: { arc_easy: loss }, scores: { arc_easy: 0.7 / (1 + Math.exp(8 * (loss - 0.5))) + 0.25 } };
});
const calibration = calibrateReference({ name: 'k', lossModels: members, performanceModels: members });
const points: FitDataPoint[] = members.map((m) => ({
  modelId: m.id, model: m.id, params: m.params, tokens: m.tokens, role: 'both', benchmark: 'arc_easy', score: m.scores.arc_easy, loss: m.losses.arc_easy, scoreSource: 'given', lossSource: 'given',
}));

describe('report files', () => {
  it('writes the leaderboard CSV: the library\'s columns, efficiency figures, per-benchmark columns and sources', () => {
    const csv = leaderboardCsv([
      row({ rank: 1, model: 'a', score: 0.6, density: 2, costDensity: 10, benchmarks: { arc_easy: { metric: 'acc', score: 0.6, scoreSource: 'run:r', effectiveParams: 2e6, density: 2, undefinedReason: null, message: null } }, sources: [{ kind: 'run', id: 'r' }] }),
      row({ model: 'b', densityUndefinedReason: 'MISSING_SCORE', sources: [{ kind: 'import', id: 'i', fileName: 'f.csv' }] }),
    ]);
    const rows: Array<Record<string, string>> = parse(csv, { columns: true });
    expect(Object.keys(rows[0])).toEqual([
      'rank', 'model', 'params', 'active_params', 'release_date', 'score', 'effective_params', 'density', 'density_undefined_reason',
      'token_value', 'cost_density', 'compute_density', 'arc_easy_score', 'arc_easy_density', 'sources',
    ]);
    expect(rows[0]).toMatchObject({ rank: '1', model: 'a', density: '2', cost_density: '10', token_value: '', arc_easy_density: '2', sources: 'run:r' });
    expect(rows[1]).toMatchObject({ rank: '', density: '', density_undefined_reason: 'MISSING_SCORE', arc_easy_score: '', sources: 'import:f.csv' });
  });

  it('draws score vs parameters with the evaluated models, the family members and the family curve; nothing without scores', () => {
    const spec = scoreChartSpec([row({ model: 'a', score: 0.6 }), row({ model: 'no-score' })], calibration, points) as unknown as { layer: Array<{ data: { values: Array<Record<string, unknown>> } }> };
    const [curve, dots] = spec.layer;
    expect(curve.data.values.length).toBeGreaterThan(10);
    expect(dots.data.values.map((v) => [v.model, v.series])).toEqual([['a', 'evaluated'], ...members.map((m) => [m.id, 'reference family'])]);
    expect(scoreChartSpec([row({ model: 'no-score' })], calibration, [])).toBeNull();
  });
});
