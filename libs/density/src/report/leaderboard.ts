import { stringify } from 'csv-stringify/sync';
import { BenchmarkDensity, TargetModel, estimateModelDensity } from '../capability/model-density';
import { ReferenceCalibration } from '../capability/reference-calibration';
import { DENSITY_SCHEMA_VERSION } from '../fit-schema';
import { CostCoefficients, inferenceDensity } from '../inference/inference-density';
import { UndefinedReason } from '../outcome';

export interface LeaderboardModel extends TargetModel {
  activeParams?: number | null;
  weightBits?: number;
  releaseDate?: string | null;
  /** Where the scores come from (a URL, a run id). */
  source?: string | null;
}

export interface LeaderboardCell {
  score: number | null;
  density: number | null;
  undefinedReason: UndefinedReason | null;
}

/** One flat, display-ready row; numbers are null where the method gives none (the reason says why). */
export interface LeaderboardRow {
  /** 1 = densest; null for models without a headline density. */
  rank: number | null;
  model: string;
  params: number;
  activeParams: number | null;
  releaseDate: string | null;
  /** Headline (AVERAGE) score, effective size and density. */
  score: number | null;
  effectiveParams: number | null;
  density: number | null;
  densityUndefinedReason: UndefinedReason | null;
  /** Inference-time density (Eqs. 5–7), when cost coefficients are given. */
  inferenceDensity: number | null;
  benchmarks: Record<string, LeaderboardCell>;
  source: string | null;
}

function cell(b: BenchmarkDensity): LeaderboardCell {
  return b.estimate.defined
    ? { score: b.score, density: b.estimate.density, undefinedReason: null }
    : { score: b.score, density: null, undefinedReason: b.estimate.reason };
}

/** Densities of every model against one calibration, densest first (models without a density last, by name). */
export function buildLeaderboard(
  calibration: ReferenceCalibration,
  models: readonly LeaderboardModel[],
  opts: { costCoefficients?: Pick<CostCoefficients, 'k1' | 'k2'> } = {},
): LeaderboardRow[] {
  const rows = models.map((m): LeaderboardRow => {
    const report = estimateModelDensity(calibration, m);
    const head = report.headline.estimate;
    const inference = head.defined && opts.costCoefficients
      ? inferenceDensity(head.effectiveParams, { params: m.params, activeParams: m.activeParams ?? undefined, weightBits: m.weightBits }, opts.costCoefficients)
      : null;
    return {
      rank: null,
      model: m.id,
      params: m.params,
      activeParams: m.activeParams ?? null,
      releaseDate: m.releaseDate ?? null,
      score: report.headline.score,
      effectiveParams: head.defined ? head.effectiveParams : null,
      density: head.defined ? head.density : null,
      densityUndefinedReason: head.defined ? null : head.reason,
      inferenceDensity: inference?.defined ? inference.density : null,
      benchmarks: Object.fromEntries(report.perBenchmark.map((b) => [b.benchmark, cell(b)])),
      source: m.source ?? null,
    };
  });
  rows.sort((a, b) => (b.density ?? -Infinity) - (a.density ?? -Infinity) || a.model.localeCompare(b.model));
  rows.forEach((row, i) => (row.rank = row.density === null ? null : i + 1));
  return rows;
}

/** The leaderboard as a JSON document, with the calibration it was measured against. */
export function leaderboardToJson(rows: readonly LeaderboardRow[], calibration: Pick<ReferenceCalibration, 'family' | 'd0Tokens'>): string {
  return JSON.stringify(
    { schemaVersion: DENSITY_SCHEMA_VERSION, kind: 'density-leaderboard', reference: { ...calibration.family, d0Tokens: calibration.d0Tokens }, rows },
    null,
    2,
  );
}

/** The leaderboard as CSV: fixed columns, then <benchmark>_score and <benchmark>_density per benchmark. */
export function leaderboardToCsv(rows: readonly LeaderboardRow[]): string {
  const benchmarks = [...new Set(rows.flatMap((r) => Object.keys(r.benchmarks)))].sort();
  const fixed = ['rank', 'model', 'params', 'active_params', 'release_date', 'score', 'effective_params', 'density', 'density_undefined_reason', 'inference_density'];
  const columns = [...fixed, ...benchmarks.flatMap((b) => [`${b}_score`, `${b}_density`]), 'source'];
  const records = rows.map((r) => [
    r.rank, r.model, r.params, r.activeParams, r.releaseDate, r.score, r.effectiveParams, r.density, r.densityUndefinedReason, r.inferenceDensity,
    ...benchmarks.flatMap((b) => [r.benchmarks[b]?.score ?? null, r.benchmarks[b]?.density ?? null]),
    r.source,
  ]);
  return stringify(records, { header: true, columns, cast: { number: (v) => String(v) } });
}
