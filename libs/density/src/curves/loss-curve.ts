import { DENSITY_SCHEMA_VERSION, StoredFit } from '../fit-schema';
import { checkMonotone, requireDistinct, requireEnoughPoints, requireFinite } from '../fitting/data-checks';
import { FitQuality, goodnessOfFit, standardErrors } from '../fitting/fit-statistics';
import { CurveProblem, solveFromStarts } from '../fitting/levenberg-marquardt';
import { linearLeastSquares } from '../fitting/linear-least-squares';

/** One reference model of the loss-estimation family: N parameters trained on D tokens, conditional loss L. */
export interface LossPoint {
  params: number;
  tokens: number;
  /** Conditional loss −log P(answer | instruction) per token on the benchmark's test items. */
  loss: number;
}

export interface LossCurveParams {
  a: number;
  alpha: number;
  b: number;
  beta: number;
}

export interface LossFit extends StoredFit<'loss-scaling', LossCurveParams> {
  /** The data's range, to tell interpolation from extrapolation. */
  domain: { params: [number, number]; tokens: [number, number]; loss: [number, number] };
}

export const LOSS_EQUATION = 'L(N, D) = a·N^(−α) + b·D^(−β) (Xiao et al., Densing Law of LLMs, Eq. 2)';

/** What fitLossCurve needs of its points: parameters + 1 of them, over this many distinct sizes and token counts. */
export const LOSS_FIT_NEEDS = { parameters: 4, distinctParams: 2, distinctTokens: 2 } as const;

/** Xiao et al. Eq. 2: L(N, D) = a·N^−α + b·D^−β. */
export function predictLoss(fit: { params: LossCurveParams }, params: number, tokens: number): number {
  const { a, alpha, b, beta } = fit.params;
  return a * params ** -alpha + b * tokens ** -beta;
}

export interface LossFitOptions {
  label?: string;
  /** Bounds on the exponents; default [0.001, 3] each. */
  alphaBounds?: [number, number];
  betaBounds?: [number, number];
}

const geometricMean = (v: readonly number[]) => Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length);

/**
 * Fits Eq. 2 to a reference family by Levenberg–Marquardt. Internally N and D are divided by their geometric
 * means and the coefficients are fitted as logarithms (so a, b > 0 and the problem is well scaled); starting
 * points come from a grid over (α, β) with a and b solved linearly for each. Needs ≥ 5 points, ≥ 2 distinct
 * sizes and ≥ 2 distinct token counts (with a single D, b and β cannot be told apart), and loss falling with
 * compute 6ND.
 */
export function fitLossCurve(points: readonly LossPoint[], opts: LossFitOptions = {}): LossFit {
  const label = opts.label ?? 'loss curve';
  const ns = points.map((p) => p.params);
  const ds = points.map((p) => p.tokens);
  const ls = points.map((p) => p.loss);
  requireFinite(ns, `${label}.params`, { positive: true });
  requireFinite(ds, `${label}.tokens`, { positive: true });
  requireFinite(ls, `${label}.loss`, { positive: true });
  requireEnoughPoints(points.length, LOSS_FIT_NEEDS.parameters, label);
  requireDistinct(ns, LOSS_FIT_NEEDS.distinctParams, `${label}.params (model sizes)`);
  requireDistinct(ds, LOSS_FIT_NEEDS.distinctTokens, `${label}.tokens (token counts)`);
  const monotone = checkMonotone(
    points.map((p) => p.params * p.tokens),
    ls,
    { expect: 'decreasing', label: `${label}: loss against compute 6ND` },
  );
  const [nScale, dScale] = [geometricMean(ns), geometricMean(ds)];
  const lnN = ns.map((n) => Math.log(n / nScale));
  const lnD = ds.map((d) => Math.log(d / dScale));
  const [alphaLo, alphaHi] = opts.alphaBounds ?? [1e-3, 3];
  const [betaLo, betaHi] = opts.betaBounds ?? [1e-3, 3];
  const terms = ([la, alpha, lb, beta]: readonly number[], i: number) => [Math.exp(la - alpha * lnN[i]), Math.exp(lb - beta * lnD[i])];
  const problem: CurveProblem = {
    label,
    parameterNames: ['ln a', 'alpha', 'ln b', 'beta'],
    ys: ls,
    model: (p) => (i) => {
      const [ta, tb] = terms(p, i);
      return ta + tb;
    },
    jacobian: (p) => (i) => {
      const [ta, tb] = terms(p, i);
      return [ta, -ta * lnN[i], tb, -tb * lnD[i]];
    },
    min: [-40, alphaLo, -40, betaLo],
    max: [40, alphaHi, 40, betaHi],
  };
  const starts: number[][] = [];
  const grid = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2];
  for (const alpha of grid) {
    for (const beta of grid) {
      const design = lnN.map((x, i) => [Math.exp(-alpha * x), Math.exp(-beta * lnD[i])]);
      try {
        const [ca, cb] = linearLeastSquares(design, ls, label).coefficients;
        if (ca > 0 && cb > 0) starts.push([Math.log(ca), alpha, Math.log(cb), beta]);
      } catch {
        // collinear at this (α, β): skip the start
      }
    }
  }
  const meanLoss = ls.reduce((s, v) => s + v, 0) / ls.length;
  starts.push([Math.log(meanLoss / 2), 0.3, Math.log(meanLoss / 2), 0.3]);
  const solution = solveFromStarts(problem, starts);
  const [la, alpha, lb, beta] = solution.params;
  const params: LossCurveParams = { a: Math.exp(la) * nScale ** alpha, alpha, b: Math.exp(lb) * dScale ** beta, beta };
  const quality: FitQuality = {
    ...goodnessOfFit(ls, ns.map((n, i) => predictLoss({ params }, n, ds[i])), 4),
    iterations: solution.iterations,
    converged: solution.converged,
  };
  // Jacobian in the natural parameters (a, α, b, β) for their standard errors.
  const jacobian = ns.map((n, i) => {
    const ta = params.a * n ** -alpha;
    const tb = params.b * ds[i] ** -beta;
    return [ta / params.a, -ta * Math.log(n), tb / params.b, -tb * Math.log(ds[i])];
  });
  const se = standardErrors(jacobian, quality.rss);
  const warnings = [...monotone.warnings];
  if (!solution.converged) warnings.push(`${label}: the optimiser did not reach a stationary point`);
  if (solution.atBounds.length > 0) warnings.push(`${label}: parameters at their bounds: ${solution.atBounds.join(', ')}`);
  if (!se) warnings.push(`${label}: parameters are not identifiable from this data (no standard errors)`);
  return {
    schemaVersion: DENSITY_SCHEMA_VERSION,
    kind: 'loss-scaling',
    equation: LOSS_EQUATION,
    params,
    standardErrors: se ? { a: se[0], alpha: se[1], b: se[2], beta: se[3] } : null,
    quality,
    warnings,
    domain: {
      params: [Math.min(...ns), Math.max(...ns)],
      tokens: [Math.min(...ds), Math.max(...ds)],
      loss: [Math.min(...ls), Math.max(...ls)],
    },
  };
}
