import { parse } from 'csv-parse/sync';
import { calibrateReference } from '../capability/reference-calibration';
import { UndefinedReason } from '../outcome';
import { buildLeaderboard, leaderboardToCsv, leaderboardToJson } from './leaderboard';
import { referenceScoreCurve } from './chart-specs';
import { syntheticFamily } from '../__tests__/synthetic-family';

describe('density leaderboard', () => {
  const calibration = calibrateReference(syntheticFamily());
  const rows = buildLeaderboard(
    calibration,
    [
      { id: 'dense-100m', params: 1e8, scores: { mmlu: 0.6 }, releaseDate: '2024-02-01', source: 'https://example.org/a, "quoted"' },
      { id: 'moe-1b', params: 1e9, activeParams: 1e8, scores: { mmlu: 0.75 }, releaseDate: '2024-05-01' },
      { id: 'at-chance', params: 5e7, scores: { mmlu: 0.25 } },
      { id: 'tiny-50m', params: 5e7, scores: { mmlu: 0.55 } },
    ],
    { costCoefficients: { k1: 2, k2: 1 } },
  );

  it('ranks by headline density, models without one last with their reason', () => {
    expect(rows.map((r) => [r.rank, r.model])).toEqual([[1, 'tiny-50m'], [2, 'dense-100m'], [3, 'moe-1b'], [null, 'at-chance']]);
    expect(rows[1].density).toBeCloseTo(1.1146, 3); // the worked example: S = 0.6 at N = 100M
    expect(rows[3]).toMatchObject({ density: null, densityUndefinedReason: UndefinedReason.ScoreAtOrBelowChance, benchmarks: { mmlu: { score: 0.25, density: null } } });
  });

  it('adds inference-time density when cost coefficients are given', () => {
    const moe = rows.find((r) => r.model === 'moe-1b')!;
    // (k1 + k2)·N̂ / (k1·N + k2·N_active) = 3·N̂ / (2e9 + 1e8)
    expect(moe.inferenceDensity).toBeCloseTo((3 * moe.effectiveParams!) / 2.1e9, 10);
    expect(rows.find((r) => r.model === 'dense-100m')!.inferenceDensity).toBeCloseTo(rows[1].density!, 10);
  });

  it('exports JSON with the reference it was measured against', () => {
    const doc = JSON.parse(leaderboardToJson(rows, calibration));
    expect(doc).toMatchObject({ kind: 'density-leaderboard', schemaVersion: 1, reference: { name: 'synthetic', d0Tokens: 5e12 } });
    expect(doc.rows).toEqual(JSON.parse(JSON.stringify(rows)));
  });

  it('exports CSV that a CSV parser reads back, quoting included', () => {
    const csv = leaderboardToCsv(rows);
    const back = parse(csv, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(back[0])).toEqual([
      'rank', 'model', 'params', 'active_params', 'release_date', 'score', 'effective_params', 'density',
      'density_undefined_reason', 'inference_density', 'mmlu_score', 'mmlu_density', 'source',
    ]);
    expect(back[1]).toMatchObject({ rank: '2', model: 'dense-100m', params: '100000000', source: 'https://example.org/a, "quoted"' });
    expect(Number(back[1].density)).toBeCloseTo(rows[1].density!, 12);
    expect(back[3]).toMatchObject({ rank: '', density: '', density_undefined_reason: 'SCORE_AT_OR_BELOW_CHANCE' });
  });

  it('draws the reference curve S(L(N, D0)) through the effective sizes it assigns', () => {
    const curve = referenceScoreCurve(calibration.benchmarks.mmlu, calibration.d0Tokens, [1e7, 1e10], 31);
    expect(curve[0].params).toBeCloseTo(1e7, 0);
    expect(curve[30].params / 1e10).toBeCloseTo(1, 10);
    const dense = rows.find((r) => r.model === 'dense-100m')!; // scored 0.6 with N̂ = effectiveParams
    const [one] = referenceScoreCurve(calibration.benchmarks.mmlu, calibration.d0Tokens, [dense.effectiveParams!, dense.effectiveParams! * 2], 2);
    expect(one.score).toBeCloseTo(0.6, 10);
    for (let i = 1; i < curve.length; i++) expect(curve[i].score).toBeGreaterThan(curve[i - 1].score);
  });
});
