import { DENSITY_SCHEMA_VERSION, StoredFit } from '../fit-schema';
import { checkMonotone, requireDistinct, requireEnoughPoints, requireFinite } from '../fitting/data-checks';
import { FitQuality, goodnessOfFit, standardErrors } from '../fitting/fit-statistics';
import { CurveProblem, solveFromStarts } from '../fitting/levenberg-marquardt';
import { linearLeastSquares } from '../fitting/linear-least-squares';

/**
 * The paper's two curves composed and fitted on scores alone, for a reference family whose losses were not
 * published (Pythia): S(N, D) = c / (1 + exp(L(N, D) − l)) + d with L(N, D) = a·N^−α + b·D^−β.
 *
 * This is Eq. 3 applied to Eq. 2 (Xiao et al., Densing Law of LLMs). Without losses the scale of L cannot be
 * identified (γ·a, γ·b and γ·l are what the scores determine), so γ is fixed at −1: L is a latent loss in
 * logit units, not nats, and only its inverse through both curves (S → N̂ at D0) means anything.
 */
export const COMPOSED_METHOD = 'densing-law-composed-on-scores';

/** Bumped whenever a change to this fit or its validation changes their results: stored fits of an older revision are redone. */
export const COMPOSED_FIT_REVISION = 1;

export const COMPOSED_EQUATION =
  'S = c / (1 + exp(L(N, D) − l)) + d, L(N, D) = a·N^(−α) + b·D^(−β): Xiao et al. Eq. 3 of Eq. 2, fitted jointly on ' +
  'scores over an (N, D) grid; γ fixed at −1, so L is a latent loss in logit units (the scores cannot fix its scale)';

export interface ComposedParams {
  a: number;
  alpha: number;
  b: number;
  beta: number;
  c: number;
  l: number;
  d: number;
}

export interface ComposedPoint {
  params: number;
  tokens: number;
  score: number;
}

export interface ComposedScoreFit extends StoredFit<'composed-score-scaling', ComposedParams> {
  method: typeof COMPOSED_METHOD;
  /** The data's ranges; `latentLoss` is L(N, D) of the data points under the fit. */
  domain: { params: [number, number]; tokens: [number, number]; score: [number, number]; latentLoss: [number, number] };
}

export interface ComposedFitOptions {
  label?: string;
  /** Upper bound of c + d, the curve's ceiling: 1 for fractions (the default); 100 for percentages. */
  scoreCeiling?: number;
  /** Start from these parameters (e.g. the fit on the whole family, when refitting without one size). */
  start?: ComposedParams;
}

const logistic = (z: number) => 1 / (1 + Math.exp(-Math.max(-700, Math.min(700, z))));
const geometricMean = (v: readonly number[]) => Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length);

export function latentLoss(p: Pick<ComposedParams, 'a' | 'alpha' | 'b' | 'beta'>, params: number, tokens: number): number {
  return p.a * params ** -p.alpha + p.b * tokens ** -p.beta;
}

export function predictComposedScore(fit: { params: ComposedParams }, params: number, tokens: number): number {
  const p = fit.params;
  return p.d + p.c * logistic(p.l - latentLoss(p, params, tokens));
}

/**
 * Fits the composed curve by Levenberg–Marquardt. Internally N and D are divided by their geometric means, a and b
 * are fitted as logarithms, and c = (ceiling − d)·s with s ∈ (0, 1], so the curve never promises more than a
 * perfect score. Starting points: a grid over (α, β); for each, l, a and b solve the linear least-squares problem
 * of the logit-transformed scores. Needs ≥ 8 points, ≥ 3 sizes and ≥ 3 token counts.
 */
export function fitComposedScoreCurve(points: readonly ComposedPoint[], opts: ComposedFitOptions = {}): ComposedScoreFit {
  const label = opts.label ?? 'composed score curve';
  const ceiling = opts.scoreCeiling ?? 1;
  const ns = points.map((p) => p.params);
  const ds = points.map((p) => p.tokens);
  const ys = points.map((p) => p.score);
  requireFinite(ns, `${label}.params`, { positive: true });
  requireFinite(ds, `${label}.tokens`, { positive: true });
  requireFinite(ys, `${label}.score`);
  requireEnoughPoints(points.length, 7, label);
  requireDistinct(ns, 3, `${label}.params (model sizes)`);
  requireDistinct(ds, 3, `${label}.tokens (token counts)`);
  const monotone = checkMonotone(points.map((p) => p.params * p.tokens), ys, { expect: 'increasing', label: `${label}: score against compute 6ND` });

  const [nScale, dScale] = [geometricMean(ns), geometricMean(ds)];
  const lnN = ns.map((n) => Math.log(n / nScale));
  const lnD = ds.map((d) => Math.log(d / dScale));
  // p = [d, s, ln A, α, ln B, β, u0] with n = N/nScale, t = D/dScale:
  //   S = d + (ceiling − d)·s·σ(u),  u = u0 + A·(1 − n^−α) + B·(1 − t^−β)   (so l = u0 + A + B)
  // u0 is the logit at the data's geometric centre (n = t = 1), which decouples it from A and B: fitted as l,
  // the three trade off along a long valley that the optimiser crawls through.
  const parts = (p: readonly number[], i: number) => {
    const [A, B] = [Math.exp(p[2]), Math.exp(p[4])];
    const ta = Math.exp(p[2] - p[3] * lnN[i]);
    const tb = Math.exp(p[4] - p[5] * lnD[i]);
    return { A, B, ta, tb, sig: logistic(p[6] + A - ta + B - tb) };
  };
  const problem: CurveProblem = {
    label,
    parameterNames: ['d', 's', 'ln a', 'alpha', 'ln b', 'beta', 'u0'],
    ys,
    model: (p) => (i) => p[0] + (ceiling - p[0]) * p[1] * parts(p, i).sig,
    jacobian: (p) => (i) => {
      const { A, B, ta, tb, sig } = parts(p, i);
      const g = (ceiling - p[0]) * p[1] * sig * (1 - sig);
      return [1 - p[1] * sig, (ceiling - p[0]) * sig, g * (A - ta), g * ta * lnN[i], g * (B - tb), g * tb * lnD[i], g];
    },
    min: [0, 1e-3, -30, 1e-3, -30, 1e-3, -60],
    max: [ceiling * 0.999, 1, 30, 3, 30, 3, 60],
  };
  const starts = opts.start ? [internalStart(opts.start, nScale, dScale, ceiling)] : linearizedStarts(lnN, lnD, ys, ceiling, label);
  const solution = solveFromStarts(problem, starts, { maxStarts: 2, maxIterations: 2000, chunk: 100, scaleColumns: true });
  const [d, s, lnA, alpha, lnB, beta, u0] = solution.params;
  const [A, B] = [Math.exp(lnA), Math.exp(lnB)];
  const params: ComposedParams = { a: A * nScale ** alpha, alpha, b: B * dScale ** beta, beta, c: (ceiling - d) * s, l: u0 + A + B, d };
  const predicted = ns.map((n, i) => predictComposedScore({ params }, n, ds[i]));
  const quality: FitQuality = { ...goodnessOfFit(ys, predicted, 7), iterations: solution.iterations, converged: solution.converged };
  const se = standardErrors(naturalJacobian(params, ns, ds), quality.rss);
  const warnings = [...monotone.warnings];
  if (!solution.converged) warnings.push(`${label}: the optimiser did not reach a stationary point`);
  const bounded = solution.atBounds.filter((name) => name !== 's');
  if (bounded.length > 0) warnings.push(`${label}: parameters at their bounds: ${bounded.join(', ')}`);
  if (!se) warnings.push(`${label}: parameters are not identifiable from this data (no standard errors)`);
  const latent = ns.map((n, i) => latentLoss(params, n, ds[i]));
  return {
    schemaVersion: DENSITY_SCHEMA_VERSION,
    kind: 'composed-score-scaling',
    method: COMPOSED_METHOD,
    equation: COMPOSED_EQUATION,
    params,
    standardErrors: se ? { c: se[0], d: se[1], a: se[2], alpha: se[3], b: se[4], beta: se[5], l: se[6] } : null,
    quality,
    warnings,
    domain: {
      params: [Math.min(...ns), Math.max(...ns)],
      tokens: [Math.min(...ds), Math.max(...ds)],
      score: [Math.min(...ys), Math.max(...ys)],
      latentLoss: [Math.min(...latent), Math.max(...latent)],
    },
  };
}

/** Starting points: for a grid of (α, β), l, A and B solve the least-squares problem of the logit-transformed scores. */
function linearizedStarts(lnN: readonly number[], lnD: readonly number[], ys: readonly number[], ceiling: number, label: string): number[][] {
  const starts: number[][] = [];
  const d0 = Math.max(0, Math.min(...ys) - 0.02 * ceiling);
  for (const s0 of [1, 0.5]) {
    const logits = ys.map((y) => {
      const q = Math.min(0.999, Math.max(1e-4, (y - d0) / ((ceiling - d0) * s0)));
      return Math.log(q / (1 - q));
    });
    for (const alpha of [0.1, 0.3, 0.6, 1.0]) {
      for (const beta of [0.1, 0.3, 0.6, 1.0]) {
        const design = lnN.map((x, i) => [1, -Math.exp(-alpha * x), -Math.exp(-beta * lnD[i])]);
        try {
          const [l, A, B] = linearLeastSquares(design, logits, label).coefficients;
          if (A > 0 && B > 0) starts.push([d0, s0, Math.log(A), alpha, Math.log(B), beta, l - A - B]);
        } catch {
          // collinear at this (α, β): skip the start
        }
      }
    }
  }
  starts.push([d0, 1, 0, 0.3, 0, 0.3, -2]);
  return starts;
}

/** Natural parameters → the solver's [d, s, ln A, α, ln B, β, u0] at this data's scales. */
function internalStart(p: ComposedParams, nScale: number, dScale: number, ceiling: number): number[] {
  const A = p.a / nScale ** p.alpha;
  const B = p.b / dScale ** p.beta;
  const s = Math.min(1, Math.max(1e-3, p.c / (ceiling - p.d)));
  return [p.d, s, Math.log(A), p.alpha, Math.log(B), p.beta, p.l - A - B];
}

/** ∂S/∂(c, d, a, α, b, β, l) at every point, for the asymptotic standard errors of the natural parameters. */
function naturalJacobian(p: ComposedParams, ns: readonly number[], ds: readonly number[]): number[][] {
  return ns.map((n, i) => {
    const ta = p.a * n ** -p.alpha;
    const tb = p.b * ds[i] ** -p.beta;
    const sig = logistic(p.l - ta - tb);
    const g = p.c * sig * (1 - sig);
    return [sig, 1, -g * ta / p.a, g * ta * Math.log(n), -g * tb / p.b, g * tb * Math.log(ds[i]), g];
  });
}

/**
 * The composed fit as the two curves Eq. 4 inverts (loss: a, α, b, β; performance: c, γ = −1, l, d), so S → N̂ at
 * D0 goes through the same estimateDensity as the two-step method. Domains mark extrapolation: N̂ outside the
 * family's sizes, L̂ outside the latent losses of the data.
 */
export function composedAsTwoStep(fit: Pick<ComposedScoreFit, 'params' | 'domain'>): {
  loss: { params: { a: number; alpha: number; b: number; beta: number }; domain: { params: [number, number] } };
  performance: { params: { c: number; gamma: number; l: number; d: number }; domain: { loss: [number, number]; score: [number, number] } };
} {
  const { a, alpha, b, beta, c, l, d } = fit.params;
  return {
    loss: { params: { a, alpha, b, beta }, domain: { params: fit.domain.params } },
    performance: { params: { c, gamma: -1, l, d }, domain: { loss: fit.domain.latentLoss, score: fit.domain.score } },
  };
}
