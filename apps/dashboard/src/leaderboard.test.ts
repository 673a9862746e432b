import { describe, expect, it } from 'vitest';
import { costChartSpec, costPerCorrect, sortRows } from './leaderboard';
import type { LeaderboardRow } from './types';

const row = (model: string, density: number | null, costDensity: number | null, score: number | null = 0.5): LeaderboardRow => ({
  rank: 0, modelId: model, model, params: 1e6, releaseDate: null, score, effectiveParams: null, density, densityUndefinedReason: null,
  tokenValue: null, costDensity, computeDensity: null,
});

describe('leaderboard sorting and cost per correct answer', () => {
  const rows = [row('b', 2, 100), row('a', null, null), row('c', 0.5, 400), row('d', 2, null)];

  it('sorts either way with rows lacking the value last, ties by name', () => {
    expect(sortRows(rows, 'density', 'desc').map((r) => r.model)).toEqual(['b', 'd', 'c', 'a']);
    expect(sortRows(rows, 'density', 'asc').map((r) => r.model)).toEqual(['c', 'b', 'd', 'a']);
    expect(sortRows(rows, 'costPerCorrect', 'asc').map((r) => r.model)).toEqual(['c', 'b', 'a', 'd']);
  });

  it('gives dollars per correct answer as the inverse of correct answers per dollar', () => {
    expect(costPerCorrect(row('x', 1, 400))).toBe(0.0025);
    expect(costPerCorrect(row('x', 1, 0))).toBeNull();
    const spec = costChartSpec(rows) as { data: { values: Array<{ model: string; dollarsPerCorrect: number }> } };
    expect(spec.data.values).toEqual([{ model: 'b', dollarsPerCorrect: 0.01 }, { model: 'c', dollarsPerCorrect: 0.0025 }]);
    expect(costChartSpec([row('a', 1, null)])).toBeNull();
  });
});
