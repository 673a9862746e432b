import type { LeaderboardRow } from './types';

// The Density page's table and its cost chart: sorting on the client (the rows of one query), cost per correct answer.

export type SortKey = 'score' | 'density' | 'tokenValue' | 'costDensity' | 'params' | 'costPerCorrect';

/** Dollars per correct answer: the inverse of correct answers per dollar. */
export const costPerCorrect = (r: Pick<LeaderboardRow, 'costDensity'>): number | null => (r.costDensity && r.costDensity > 0 ? 1 / r.costDensity : null);

const valueOf = (r: LeaderboardRow, key: SortKey): number | null => (key === 'costPerCorrect' ? costPerCorrect(r) : r[key]);

/** Rows sorted by a column; rows without a value always last, ties by model name. */
export function sortRows(rows: readonly LeaderboardRow[], key: SortKey, order: 'asc' | 'desc'): LeaderboardRow[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = valueOf(a, key);
    const y = valueOf(b, key);
    if (x === null || y === null) return x === y ? a.model.localeCompare(b.model) : x === null ? 1 : -1;
    return x === y ? a.model.localeCompare(b.model) : sign * (x - y);
  });
}

/** A Vega-Lite bar chart of dollars per correct answer (models with a cost only), or null when none has one. */
export function costChartSpec(rows: readonly LeaderboardRow[]): Record<string, unknown> | null {
  const values = rows.map((r) => ({ model: r.model, dollarsPerCorrect: costPerCorrect(r) })).filter((v) => v.dollarsPerCorrect !== null);
  if (values.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Cost per correct answer',
    width: 'container',
    height: Math.max(120, 28 * values.length),
    background: 'white',
    data: { values },
    mark: { type: 'bar', color: '#1f5fa8' },
    encoding: {
      y: { field: 'model', type: 'nominal', sort: 'x', title: null },
      x: { field: 'dollarsPerCorrect', type: 'quantitative', title: 'US$ per correct answer' },
      tooltip: [{ field: 'model' }, { field: 'dollarsPerCorrect', format: '.3g' }],
    },
  };
}
