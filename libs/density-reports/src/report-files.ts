import { stringify } from 'csv-stringify/sync';
import { FitDataPoint, TrendPoint } from '@app/database';
import { AVERAGE, DensityTrend, ReferenceCalibration, densityTrendSpec, referenceScoreCurve, scoreVsParamsSpec } from '@app/density';
import type { LeaderboardRow } from './leaderboard-reader';

type Spec = ReturnType<typeof scoreVsParamsSpec>;

const FIXED_COLUMNS = [
  'rank', 'model', 'params', 'active_params', 'release_date', 'score', 'effective_params', 'density', 'density_undefined_reason',
  'token_value', 'cost_density', 'compute_density',
];

/**
 * The leaderboard as CSV: the library's leaderboard columns (rank … density_undefined_reason, then
 * <benchmark>_score and <benchmark>_density), plus token value (correct per 1k generated tokens), cost density
 * (correct per dollar), compute density (correct per TFLOP) and the score sources. Empty cells are nulls.
 */
export function leaderboardCsv(rows: readonly LeaderboardRow[]): string {
  const benchmarks = [...new Set(rows.flatMap((r) => Object.keys(r.benchmarks)))].sort();
  const columns = [...FIXED_COLUMNS, ...benchmarks.flatMap((b) => [`${b}_score`, `${b}_density`]), 'sources'];
  const records = rows.map((r) => [
    r.rank, r.model, r.params, r.activeParams, r.releaseDate, r.score, r.effectiveParams, r.density, r.densityUndefinedReason,
    r.tokenValue, r.costDensity, r.computeDensity,
    ...benchmarks.flatMap((b) => [r.benchmarks[b]?.score ?? null, r.benchmarks[b]?.density ?? null]),
    r.sources.map((s) => (s.kind === 'import' ? `import:${s.fileName ?? s.id}` : `run:${s.id}`)).join(' '),
  ]);
  return stringify(records, { header: true, columns, cast: { number: (v) => String(v) } });
}

/** Mean score of each reference member over the AVERAGE's benchmarks (members lacking one are left out). */
function referencePoints(calibration: ReferenceCalibration, dataPoints: readonly FitDataPoint[]): Array<{ model: string; params: number; score: number }> {
  const needed = calibration.average.benchmarks;
  const byModel = new Map<string, { params: number; scores: Map<string, number> }>();
  for (const p of dataPoints) {
    if (p.score === null) continue;
    const m = byModel.get(p.model) ?? { params: p.params, scores: new Map() };
    m.scores.set(p.benchmark, p.score);
    byModel.set(p.model, m);
  }
  return [...byModel]
    .filter(([, m]) => needed.every((b) => m.scores.has(b)))
    .map(([model, m]) => ({ model, params: m.params, score: needed.reduce((s, b) => s + m.scores.get(b)!, 0) / needed.length }));
}

/**
 * Score (AVERAGE) against parameters on a log axis: the leaderboard's models, the reference family's members,
 * and the family's curve S(L(N, D0)). Null when nothing has a score.
 */
export function scoreChartSpec(rows: readonly LeaderboardRow[], calibration: ReferenceCalibration, dataPoints: readonly FitDataPoint[], title?: string): Spec | null {
  const evaluated = rows.filter((r) => r.score !== null).map((r) => ({ model: r.model, params: r.params, score: r.score!, series: 'evaluated' }));
  const reference = referencePoints(calibration, dataPoints).map((p) => ({ ...p, series: 'reference family' }));
  const points = [...evaluated, ...reference];
  if (points.length === 0) return null;
  const sizes = points.map((p) => p.params);
  const curve = referenceScoreCurve(calibration.average, calibration.d0Tokens, [Math.min(...sizes) / 2, Math.max(...sizes) * 2]);
  return scoreVsParamsSpec(points, { benchmark: AVERAGE, curve, title });
}

/** Density against release date (log axis) with the fitted trend line and the frontier highlighted. */
export function trendChartSpec(points: readonly TrendPoint[], trend: DensityTrend): Spec {
  return densityTrendSpec(points, trend);
}

export function reportJson(input: {
  id: string;
  generatedAt: Date;
  title: string | null;
  query: Record<string, unknown>;
  reference: { id: string; name: string; d0Tokens: number };
  fitVersion: { id: string; version: number };
  total: number;
  rows: readonly LeaderboardRow[];
  trend: DensityTrend | null;
  skipped: Record<string, string>;
}): string {
  return JSON.stringify({ kind: 'density-report', ...input, generatedAt: input.generatedAt.toISOString() }, null, 2);
}
