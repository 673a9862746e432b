import { DensityErrorCode, DensityException } from '../density.exception';
import { DENSITY_SCHEMA_VERSION, StoredFit } from '../fit-schema';
import { requireDistinct, requireEnoughPoints } from '../fitting/data-checks';
import { linearLeastSquares } from '../fitting/linear-least-squares';
import { seededUniform } from '../fitting/seeded-random';

/** One model's density and release date (YYYY-MM-DD or any ISO 8601 timestamp, read as UTC). */
export interface DensityPoint {
  id: string;
  releaseDate: string;
  density: number;
}

/**
 * Which points the line is fitted to.
 * - 'record' (default): the upper envelope — each model whose density exceeds that of every model released
 *   before it (on a shared date only that date's best can qualify). The paper fits "the envelope line" of
 *   maximum density (arXiv v2 §3.3, "we perform a linear fit on the envelope line in Figure 1"); these are its vertices.
 * - 'running-max': ρ_max(t) at every distinct release date, the maximum density among all models released up
 *   to t. It adds the envelope's flat stretches, which pull the slope down.
 * - 'all': every model (a population trend, not the Densing Law's frontier).
 */
export type FrontierRule = 'record' | 'running-max' | 'all';

export interface FrontierPoint extends DensityPoint {
  /** Days since the trend's origin. */
  t: number;
}

export interface TrendOptions {
  frontier?: FrontierRule;
  /** t = 0 (only B depends on it); default: the first frontier date. The paper counts from Llama-1 (2023-02-24). */
  origin?: string;
  /** Percentile bootstrap over the frontier points; false to skip. Defaults: 2000 resamples, seed 1, level 0.95. */
  bootstrap?: { iterations?: number; seed?: number; level?: number } | false;
}

export interface TrendConfidence {
  level: number;
  iterations: number;
  seed: number;
  A: [number, number];
  /** [shortest, longest] = [ln 2 / A_high, ln 2 / A_low]; null where that bound of A is ≤ 0 (no doubling). */
  doublingTimeDays: [number | null, number | null];
  doublingTimeMonths: [number | null, number | null];
}

export interface DensityTrend extends StoredFit<'density-trend', { A: number; B: number }> {
  frontierRule: FrontierRule;
  origin: string;
  /** ln 2 / A in days; null when A ≤ 0 (density is not growing). */
  doublingTimeDays: number | null;
  /** The same in months of 30.4375 days. */
  doublingTimeMonths: number | null;
  confidence: TrendConfidence | null;
  frontier: FrontierPoint[];
}

export const DAYS_PER_MONTH = 30.4375;
const MS_PER_DAY = 86_400_000;
export const TREND_EQUATION = 'ln ρ_max = A·t + B, t in days (Xiao et al., Densing Law of LLMs, arXiv v2 Eq. 5); doubling time ln 2 / A';

export function parseReleaseDate(value: string, what: string): number {
  const ms = Date.parse(value);
  if (typeof value !== 'string' || Number.isNaN(ms)) {
    throw new DensityException(DensityErrorCode.InvalidInput, `${what}: release date '${String(value)}' is not an ISO 8601 date`);
  }
  return ms;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Picks the points the trend is fitted to (see FrontierRule), sorted by date. */
export function selectFrontier(points: readonly DensityPoint[], rule: FrontierRule = 'record'): Array<DensityPoint & { ms: number }> {
  const dated = points
    .map((p) => {
      if (!(p.density > 0) || !Number.isFinite(p.density)) {
        throw new DensityException(DensityErrorCode.InvalidInput, `${p.id}: density must be a positive number, got ${p.density}`);
      }
      return { ...p, ms: parseReleaseDate(p.releaseDate, p.id) };
    })
    .sort((a, b) => a.ms - b.ms || b.density - a.density || a.id.localeCompare(b.id));
  if (rule === 'all') return dated;
  const out: Array<DensityPoint & { ms: number }> = [];
  let best: (DensityPoint & { ms: number }) | undefined;
  for (let i = 0; i < dated.length; i++) {
    if (i > 0 && dated[i - 1].ms === dated[i].ms) continue; // within a date, the first is that date's best
    const dateBest = dated[i];
    const isRecord = !best || dateBest.density > best.density;
    if (isRecord) best = dateBest;
    if (rule === 'record' && isRecord) out.push(dateBest);
    if (rule === 'running-max') out.push({ ...best!, releaseDate: dateBest.releaseDate, ms: dateBest.ms });
  }
  return out;
}

function percentile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const doubling = (a: number) => (a > 0 ? Math.LN2 / a : null);

function bootstrapSlope(t: number[], y: number[], iterations: number, seed: number, level: number): TrendConfidence {
  const uniform = seededUniform(seed);
  const slopes: number[] = [];
  for (let r = 0; r < iterations; r++) {
    const idx = t.map(() => Math.floor(uniform() * t.length));
    if (new Set(idx.map((i) => t[i])).size < 2) continue; // all draws on one date: no slope
    slopes.push(linearLeastSquares(idx.map((i) => [t[i], 1]), idx.map((i) => y[i]), 'bootstrap').coefficients[0]);
  }
  slopes.sort((a, b) => a - b);
  const A: [number, number] = [percentile(slopes, (1 - level) / 2), percentile(slopes, (1 + level) / 2)];
  const days: [number | null, number | null] = [doubling(A[1]), doubling(A[0])];
  const months = days.map((d) => (d === null ? null : d / DAYS_PER_MONTH)) as [number | null, number | null];
  return {
    level,
    iterations: slopes.length,
    seed,
    A,
    doublingTimeDays: days,
    doublingTimeMonths: months,
  };
}

/** Fits the Densing Law trend ln ρ_max = A·t + B by least squares, with R², standard errors and a bootstrap CI. */
export function fitDensityTrend(points: readonly DensityPoint[], opts: TrendOptions = {}): DensityTrend {
  const rule = opts.frontier ?? 'record';
  const frontier = selectFrontier(points, rule);
  requireEnoughPoints(frontier.length, 2, `density trend (${rule} frontier)`);
  requireDistinct(frontier.map((p) => p.ms), 2, 'density trend release dates');
  const originMs = opts.origin ? parseReleaseDate(opts.origin, 'trend origin') : frontier[0].ms;
  const t = frontier.map((p) => (p.ms - originMs) / MS_PER_DAY);
  const y = frontier.map((p) => Math.log(p.density));
  const fit = linearLeastSquares(t.map((v) => [v, 1]), y, 'density trend');
  const [A, B] = fit.coefficients;
  const boot = opts.bootstrap === false ? null : opts.bootstrap ?? {};
  const confidence = boot ? bootstrapSlope(t, y, boot.iterations ?? 2000, boot.seed ?? 1, boot.level ?? 0.95) : null;
  const warnings = A > 0 ? [] : [`density trend: slope A = ${A} ≤ 0, density is not growing; no doubling time`];
  const days = doubling(A);
  return {
    schemaVersion: DENSITY_SCHEMA_VERSION,
    kind: 'density-trend',
    equation: TREND_EQUATION,
    params: { A, B },
    standardErrors: fit.standardErrors ? { A: fit.standardErrors[0], B: fit.standardErrors[1] } : null,
    quality: fit.quality,
    warnings,
    frontierRule: rule,
    origin: isoDay(originMs),
    doublingTimeDays: days,
    doublingTimeMonths: days === null ? null : days / DAYS_PER_MONTH,
    confidence,
    frontier: frontier.map(({ ms, ...p }, i) => ({ ...p, t: t[i] })),
  };
}

/** The trend's ρ_max at a date: exp(A·t + B). */
export function trendDensityAt(trend: Pick<DensityTrend, 'params' | 'origin'>, date: string): number {
  const t = (parseReleaseDate(date, 'date') - parseReleaseDate(trend.origin, 'origin')) / MS_PER_DAY;
  return Math.exp(trend.params.A * t + trend.params.B);
}
