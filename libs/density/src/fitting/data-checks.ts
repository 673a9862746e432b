import { DensityErrorCode, DensityException } from '../density.exception';

/** Throws INVALID_INPUT unless every value is a finite number (and positive, when asked). */
export function requireFinite(values: readonly number[], label: string, opts: { positive?: boolean } = {}): void {
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new DensityException(DensityErrorCode.InvalidInput, `${label}[${i}] must be a finite number, got ${String(v)}`);
    }
    if (opts.positive && v <= 0) {
      throw new DensityException(DensityErrorCode.InvalidInput, `${label}[${i}] must be > 0, got ${v}`);
    }
  });
}

/** A fit of p parameters needs at least p + 1 points (one residual degree of freedom). */
export function requireEnoughPoints(n: number, parameterCount: number, label: string): void {
  if (n < parameterCount + 1) {
    throw new DensityException(
      DensityErrorCode.InsufficientData,
      `${label}: need at least ${parameterCount + 1} points to fit ${parameterCount} parameters, got ${n}`,
      { n, parameterCount },
    );
  }
}

export function distinctCount(values: readonly number[], relTol = 1e-12): number {
  const sorted = [...values].sort((a, b) => a - b);
  let count = sorted.length > 0 ? 1 : 0;
  for (let i = 1; i < sorted.length; i++) {
    if (Math.abs(sorted[i] - sorted[i - 1]) > relTol * Math.max(1, Math.abs(sorted[i]))) count++;
  }
  return count;
}

export function requireDistinct(values: readonly number[], minimum: number, label: string): void {
  const count = distinctCount(values);
  if (count < minimum) {
    throw new DensityException(
      DensityErrorCode.DegenerateData,
      `${label}: need at least ${minimum} distinct values, got ${count}`,
      { distinct: count },
    );
  }
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const mid = (i + j) / 2 + 1; // ties share their average rank
    for (let k = i; k <= j; k++) out[order[k][1]] = mid;
    i = j + 1;
  }
  return out;
}

/** Spearman's rank correlation (Pearson correlation of the ranks, ties averaged). 0 when a side is constant. */
export function rankCorrelation(xs: readonly number[], ys: readonly number[]): number {
  const rx = ranks(xs);
  const ry = ranks(ys);
  const n = xs.length;
  const mx = rx.reduce((s, v) => s + v, 0) / n;
  const my = ry.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i] - mx) * (ry[i] - my);
    sxx += (rx[i] - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

export type Direction = 'increasing' | 'decreasing';

export interface MonotoneCheck {
  direction: Direction;
  rankCorrelation: number;
  warnings: string[];
}

/**
 * Requires a clear monotone trend of y in x: |Spearman| ≥ minAbsRankCorrelation (default 0.5) in the expected
 * direction ('either' accepts both), else NON_MONOTONE. A trend with some out-of-order points passes with a warning.
 */
export function checkMonotone(
  xs: readonly number[],
  ys: readonly number[],
  opts: { expect: Direction | 'either'; label: string; minAbsRankCorrelation?: number },
): MonotoneCheck {
  const rho = rankCorrelation(xs, ys);
  const min = opts.minAbsRankCorrelation ?? 0.5;
  const direction: Direction = rho < 0 ? 'decreasing' : 'increasing';
  if (Math.abs(rho) < min || (opts.expect !== 'either' && direction !== opts.expect)) {
    const want = opts.expect === 'either' ? 'a monotone trend' : `${opts.expect} values`;
    throw new DensityException(
      DensityErrorCode.NonMonotoneData,
      `${opts.label}: expected ${want} (|Spearman| ≥ ${min}), got Spearman ${rho.toFixed(3)}`,
      { rankCorrelation: rho },
    );
  }
  const warnings: string[] = [];
  if (Math.abs(rho) < 0.999) {
    warnings.push(`${opts.label}: not strictly monotone (Spearman ${rho.toFixed(3)}); some points are out of order`);
  }
  return { direction, rankCorrelation: rho, warnings };
}
