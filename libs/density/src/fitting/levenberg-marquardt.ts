import type { levenbergMarquardt as LevenbergMarquardtFn } from 'ml-levenberg-marquardt' with { 'resolution-mode': 'import' };
import { DensityErrorCode, DensityException } from '../density.exception';

// ml-levenberg-marquardt is ESM-only while this code compiles to CommonJS (module node16). Node ≥ 20.19 (our
// engines floor) require()s an ES module whose graph has no top-level await, and jest transpiles this package
// (jest.config.js esmPackages); a dynamic import() would be kept as is by tsc and fail under jest.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { levenbergMarquardt } = require('ml-levenberg-marquardt') as { levenbergMarquardt: typeof LevenbergMarquardtFn };

/** A least-squares problem over points addressed by index 0..n−1 (the model closes over its own x data). */
export interface CurveProblem {
  label: string;
  parameterNames: readonly string[];
  ys: readonly number[];
  model: (p: readonly number[]) => (i: number) => number;
  /** Analytic ∂model/∂p at point i: exact and cheaper than finite differences. */
  jacobian: (p: readonly number[]) => (i: number) => number[];
  min: readonly number[];
  max: readonly number[];
}

export interface CurveSolution {
  params: number[];
  rss: number;
  iterations: number;
  /** First-order optimality reached for every parameter not held at a bound. */
  converged: boolean;
  /** Names of parameters that ended on a bound (the bound, not the data, decided them). */
  atBounds: string[];
}

export function residualSumOfSquares(problem: CurveProblem, p: readonly number[]): number {
  const f = problem.model(p);
  let rss = 0;
  for (let i = 0; i < problem.ys.length; i++) rss += (problem.ys[i] - f(i)) ** 2;
  return Number.isFinite(rss) ? rss : Number.POSITIVE_INFINITY;
}

function boundsHit(problem: CurveProblem, p: readonly number[]): boolean[] {
  return p.map((v, k) => {
    const span = Math.max(1e-12, Math.abs(problem.max[k] - problem.min[k]));
    return v - problem.min[k] <= 1e-9 * span || problem.max[k] - v <= 1e-9 * span;
  });
}

/**
 * First-order optimality: the residual vector is (nearly) orthogonal to every free Jacobian column,
 * |J_kᵀr| ≤ 1e-4·‖J_k‖·‖r‖ (the cosine form of the Bates–Watts orthogonality criterion), or the fit is exact.
 */
function isStationary(problem: CurveProblem, p: readonly number[], free: readonly boolean[]): boolean {
  const f = problem.model(p);
  const jac = problem.jacobian(p);
  const n = problem.ys.length;
  const r = Array.from({ length: n }, (_, i) => problem.ys[i] - f(i));
  const rNorm = Math.sqrt(r.reduce((s, v) => s + v * v, 0));
  const scale = Math.sqrt(problem.ys.reduce((s, v) => s + v * v, 0)) || 1;
  if (rNorm <= 1e-10 * scale) return true;
  const rows = Array.from({ length: n }, (_, i) => jac(i));
  return p.every((_, k) => {
    if (!free[k]) return true;
    let dot = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      dot += rows[i][k] * r[i];
      norm += rows[i][k] ** 2;
    }
    return norm === 0 || Math.abs(dot) <= 1e-4 * Math.sqrt(norm) * rNorm;
  });
}

function solveOnce(problem: CurveProblem, start: readonly number[], maxIterations: number): CurveSolution {
  const chunk = 10; // iterations are counted (and convergence checked) at this granularity
  const tss = problem.ys.reduce((s, v) => s + v * v, 0);
  let params = [...start];
  let rss = residualSumOfSquares(problem, params);
  let iterations = 0;
  while (iterations < maxIterations) {
    const result = levenbergMarquardt(
      { x: problem.ys.map((_, i) => i), y: [...problem.ys] },
      (p) => problem.model(p),
      {
        initialValues: params,
        minValues: [...problem.min],
        maxValues: [...problem.max],
        maxIterations: Math.min(chunk, maxIterations - iterations),
        errorTolerance: 1e-28 * Math.max(1, tss),
        jacobianFunction: (p) => problem.jacobian(p),
      },
    );
    iterations += result.iterations;
    const improved = result.parameterError < rss;
    const relativeGain = (rss - result.parameterError) / Math.max(rss, 1e-300);
    if (improved) {
      params = result.parameterValues;
      rss = result.parameterError;
    }
    if (!improved || relativeGain < 1e-12 || result.iterations < chunk) break;
  }
  const hit = boundsHit(problem, params);
  const converged = Number.isFinite(rss) && isStationary(problem, params, hit.map((h) => !h));
  const atBounds = problem.parameterNames.filter((_, k) => hit[k]);
  return { params, rss, iterations, converged, atBounds };
}

/**
 * Runs ml-levenberg-marquardt (bounded, analytic Jacobian) from the best few candidate starts (ranked by their
 * initial RSS) and keeps the lowest-RSS solution. Iterates in chunks until the RSS stops improving, so the
 * iteration count and the converged flag mean something (the library's own stop rule is an absolute RSS target).
 */
export function solveFromStarts(
  problem: CurveProblem,
  candidates: readonly number[][],
  opts: { maxStarts?: number; maxIterations?: number } = {},
): CurveSolution {
  const clamp = (p: readonly number[]) => p.map((v, k) => Math.min(problem.max[k], Math.max(problem.min[k], v)));
  const ranked = candidates
    .map(clamp)
    .map((p) => ({ p, rss: residualSumOfSquares(problem, p) }))
    .filter((c) => Number.isFinite(c.rss))
    .sort((a, b) => a.rss - b.rss)
    .slice(0, opts.maxStarts ?? 4);
  let best: CurveSolution | undefined;
  for (const { p } of ranked) {
    const solution = solveOnce(problem, p, opts.maxIterations ?? 3000);
    if (!best || solution.rss < best.rss) best = solution;
  }
  if (!best || !Number.isFinite(best.rss)) {
    throw new DensityException(DensityErrorCode.FitFailed, `${problem.label}: no starting point gave a finite fit`);
  }
  return best;
}
