import { DensityErrorCode, DensityException } from '../density.exception';
import { Outcome, UndefinedReason, definedOutcome, undefinedOutcome } from '../outcome';
import { checkMonotone, Direction, requireDistinct, requireEnoughPoints, requireFinite } from '../fitting/data-checks';
import { FitQuality, goodnessOfFit, standardErrors } from '../fitting/fit-statistics';
import { CurveProblem, solveFromStarts } from '../fitting/levenberg-marquardt';
import { linearLeastSquares } from '../fitting/linear-least-squares';

/**
 * S(x) = c / (1 + exp(−γ·(x − l))) + d, the shape of Xiao et al. Eq. 3. Convention: c > 0 always, so d is the
 * lower asymptote (chance level) and c + d the upper one; the data picks the sign of γ. With x = loss the
 * score falls as loss rises, which under this convention means γ < 0.
 */
export interface SigmoidParams {
  c: number;
  gamma: number;
  l: number;
  d: number;
}

export interface SigmoidFitResult {
  params: SigmoidParams;
  standardErrors: SigmoidParams | null;
  quality: FitQuality;
  /** Whether y rises or falls with x in the data (and so the sign of γ). */
  direction: Direction;
  warnings: string[];
}

/** A number for a message: 4 significant digits. */
const short = (v: number) => Number(v.toPrecision(4)).toString();

export function sigmoid(p: SigmoidParams, x: number): number {
  return p.c / (1 + Math.exp(-p.gamma * (x - p.l))) + p.d;
}

/**
 * x(S) = l − (1/γ)·ln(c/(S − d) − 1), the first half of Xiao et al. Eq. 4. Defined only on the open
 * interval d < S < c + d; outside it the sigmoid never reaches S, so there is no answer to give.
 */
export function inverseSigmoid(p: SigmoidParams, score: number): Outcome<{ x: number }> {
  if (!Number.isFinite(score)) return undefinedOutcome(UndefinedReason.NonFinite, `score ${score} is not a finite number`);
  if (score <= p.d) {
    return undefinedOutcome(UndefinedReason.ScoreAtOrBelowChance, `score ${short(score)} ≤ the curve's lower asymptote (chance level) d = ${short(p.d)}`);
  }
  if (score >= p.c + p.d) {
    return undefinedOutcome(UndefinedReason.ScoreAtOrAboveCeiling, `score ${short(score)} ≥ the curve's upper asymptote (ceiling) c + d = ${short(p.c + p.d)}`);
  }
  const x = p.l - Math.log(p.c / (score - p.d) - 1) / p.gamma;
  if (!Number.isFinite(x)) return undefinedOutcome(UndefinedReason.NonFinite, `inverting score ${score} gave ${x}`);
  return definedOutcome({ x });
}

const meanOf = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sdOf = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + (x - meanOf(v)) ** 2, 0) / v.length);
/** What fitSigmoid needs of its points: parameters + 1 of them, over this many distinct x (losses). */
export const SIGMOID_FIT_NEEDS = { parameters: 4, distinctX: 3 } as const;

const logistic = (z: number) => 1 / (1 + Math.exp(-Math.max(-700, Math.min(700, z))));

/**
 * Fits the sigmoid by Levenberg–Marquardt on standardised x and y (so bounds and steps are unit-free).
 * Starting points: a grid over (γ', l'); for each, c' and d' are linear, so they come from least squares.
 */
export function fitSigmoid(xs: readonly number[], ys: readonly number[], label: string): SigmoidFitResult {
  requireFinite(xs, `${label}.x`);
  requireFinite(ys, `${label}.y`);
  requireEnoughPoints(xs.length, SIGMOID_FIT_NEEDS.parameters, label);
  requireDistinct(xs, SIGMOID_FIT_NEEDS.distinctX, `${label}.x`);
  if (sdOf(ys) === 0) throw new DensityException(DensityErrorCode.DegenerateData, `${label}: every score is the same`);
  const monotone = checkMonotone(xs, ys, { expect: 'either', label });
  const [mx, sx, my, sy] = [meanOf(xs), sdOf(xs), meanOf(ys), sdOf(ys)];
  const u = xs.map((x) => (x - mx) / sx);
  const v = ys.map((y) => (y - my) / sy);
  const problem: CurveProblem = {
    label,
    parameterNames: ['c', 'gamma', 'l', 'd'],
    ys: v,
    model: ([c, g, l, d]) => (i) => c * logistic(g * (u[i] - l)) + d,
    jacobian: ([c, g, l]) => (i) => {
      const s = logistic(g * (u[i] - l));
      return [s, c * s * (1 - s) * (u[i] - l), -c * s * (1 - s) * g, 1];
    },
    min: [1e-6, -200, -20, -100],
    max: [100, 200, 20, 100],
  };
  const starts: number[][] = [];
  const sign = monotone.direction === 'decreasing' ? -1 : 1;
  for (const g of [0.5, 1, 2, 4, 8, 16].flatMap((m) => [sign * m, -sign * m])) {
    for (const l of [-1.5, -0.75, 0, 0.75, 1.5]) {
      const design = u.map((x) => [logistic(g * (x - l)), 1]);
      try {
        const [c, d] = linearLeastSquares(design, v, label).coefficients;
        if (c > 0) starts.push([c, g, l, d]);
      } catch {
        // a flat start column: skip this start
      }
    }
  }
  if (starts.length === 0) starts.push([2, sign, 0, -1]);
  const solution = solveFromStarts(problem, starts);
  const [cu, gu, lu, du] = solution.params;
  const params: SigmoidParams = { c: cu * sy, gamma: gu / sx, l: lu * sx + mx, d: du * sy + my };
  const predicted = xs.map((x) => sigmoid(params, x));
  const quality: FitQuality = {
    ...goodnessOfFit(ys, predicted, 4),
    iterations: solution.iterations,
    converged: solution.converged,
  };
  const jacobian = xs.map((x) => {
    const s = logistic(params.gamma * (x - params.l));
    return [s, params.c * s * (1 - s) * (x - params.l), -params.c * s * (1 - s) * params.gamma, 1];
  });
  const se = standardErrors(jacobian, quality.rss);
  const warnings = [...monotone.warnings];
  if (!solution.converged) warnings.push(`${label}: the optimiser did not reach a stationary point`);
  if (solution.atBounds.length > 0) warnings.push(`${label}: parameters at their bounds: ${solution.atBounds.join(', ')}`);
  if (!se) warnings.push(`${label}: parameters are not identifiable from this data (no standard errors)`);
  return {
    params,
    standardErrors: se ? { c: se[0], gamma: se[1], l: se[2], d: se[3] } : null,
    quality,
    direction: monotone.direction,
    warnings,
  };
}
