import { ComposedPoint, ComposedScoreFit, composedAsTwoStep, fitComposedScoreCurve, predictComposedScore } from '../curves/composed-score-curve';
import { estimateDensity } from './effective-size';

/** One observation of a family member: its size, its training tokens so far, its score. */
export interface MemberPoint extends ComposedPoint {
  member: string;
}

/** What leaving one size out of the fit does to that size's predictions and to its own density. */
export interface HeldOutSize {
  member: string;
  params: number;
  /** Inside the other sizes' range (not the smallest or largest): an interpolation. */
  interior: boolean;
  points: number;
  /** Score prediction errors over every checkpoint of the held-out size. */
  rmse: number;
  meanAbsError: number;
  maxAbsError: number;
  /** The held-out size at D0 (its last checkpoint): its score read through the fit without it. Ideally ρ = 1. */
  atD0: { score: number; predicted: number; effectiveParams: number | null; density: number | null; reason: string | null } | null;
  /** The fit without this size failed (too few points, no trend); the reason. */
  error?: string;
}

export interface SizeValidation {
  method: 'leave-one-size-out';
  /** The rule `validated` applies, in words. */
  rule: string;
  /** Over every held-out checkpoint of every size whose refit succeeded. */
  rmse: number | null;
  mae: number | null;
  /** Over interior sizes: exp(median |ln ρ|) and exp(max |ln ρ|) of the held-out sizes' own densities. */
  typicalFactor: number | null;
  worstFactor: number | null;
  validated: boolean;
  sizes: HeldOutSize[];
}

/** A benchmark's densities are called validated when, with each interior size left out in turn, … */
export const VALIDATION_LIMITS = { typicalFactor: 2, worstFactor: 4 } as const;
export const VALIDATION_RULE =
  `leave each size out, fit on the others, read the held-out size's own score at D0 back as N̂: validated when every ` +
  `interior size gets a density, the median factor between N̂ and the true N is ≤ ${VALIDATION_LIMITS.typicalFactor} and the worst ≤ ` +
  `${VALIDATION_LIMITS.worstFactor}`;

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Leave-one-size-out validation of the composed fit: for each model size, refit on the other sizes (starting from
 * the full fit), predict the held-out size's scores at every checkpoint, and estimate its effective size from its
 * score at D0. A reference whose own members come back far from their true size cannot be trusted on other models.
 */
export function validateBySize(points: readonly MemberPoint[], full: ComposedScoreFit, d0Tokens: number, label: string): SizeValidation {
  const sizes = [...new Set(points.map((p) => p.params))].sort((a, b) => a - b);
  const held: HeldOutSize[] = sizes.map((size, i) => {
    const test = points.filter((p) => p.params === size);
    const member = test[0].member;
    const interior = i > 0 && i < sizes.length - 1;
    let fit: ComposedScoreFit;
    try {
      fit = fitComposedScoreCurve(points.filter((p) => p.params !== size), { label: `${label} without ${member}`, start: full.params });
    } catch (err) {
      return { member, params: size, interior, points: test.length, rmse: NaN, meanAbsError: NaN, maxAbsError: NaN, atD0: null, error: (err as Error).message };
    }
    const errors = test.map((p) => predictComposedScore(fit, p.params, p.tokens) - p.score);
    const last = test.reduce((a, b) => (b.tokens > a.tokens ? b : a));
    const estimate = estimateDensity(composedAsTwoStep(fit), last.score, size, d0Tokens);
    return {
      member,
      params: size,
      interior,
      points: test.length,
      rmse: Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length),
      meanAbsError: errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length,
      maxAbsError: Math.max(...errors.map(Math.abs)),
      atD0:
        last.tokens === d0Tokens
          ? {
              score: last.score,
              predicted: predictComposedScore(fit, size, d0Tokens),
              effectiveParams: estimate.defined ? estimate.effectiveParams : null,
              density: estimate.defined ? estimate.density : null,
              reason: estimate.defined ? null : estimate.reason,
            }
          : null,
    };
  });
  const fitted = held.filter((h) => !h.error);
  const n = fitted.reduce((s, h) => s + h.points, 0);
  const interior = held.filter((h) => h.interior);
  const logs = interior.map((h) => (h.atD0?.density ? Math.abs(Math.log(h.atD0.density)) : null));
  const defined = logs.filter((v): v is number => v !== null);
  const typicalFactor = defined.length ? Math.exp(median(defined)) : null;
  const worstFactor = defined.length ? Math.exp(Math.max(...defined)) : null;
  const validated =
    interior.length > 0 &&
    defined.length === interior.length &&
    typicalFactor! <= VALIDATION_LIMITS.typicalFactor &&
    worstFactor! <= VALIDATION_LIMITS.worstFactor;
  return {
    method: 'leave-one-size-out',
    rule: VALIDATION_RULE,
    rmse: n ? Math.sqrt(fitted.reduce((s, h) => s + h.rmse ** 2 * h.points, 0) / n) : null,
    mae: n ? fitted.reduce((s, h) => s + h.meanAbsError * h.points, 0) / n : null,
    typicalFactor,
    worstFactor,
    validated,
    sizes: held,
  };
}

