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

function solveOnce(problem: CurveProblem, start: readonly number[], maxIterations: number, chunk: number): CurveSolution {
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

export interface SolveOptions {
  maxStarts?: number;
  maxIterations?: number;
  /**
   * Iterations per call of the library, which restarts its damping on every call; the RSS is checked (and the
   * solve stopped when it no longer falls) between calls. Default 10.
   */
  chunk?: number;
  /**
   * Solve for p_k / s_k with s_k = 1/‖∂model/∂p_k‖ (recomputed before every chunk), so every Jacobian column has
   * unit norm. The library damps with λ·I (not Marquardt's diagonal scaling), which crawls when columns differ by
   * orders of magnitude, as they do when some parameters are logarithms and others fractions.
   */
  scaleColumns?: boolean;
}

/**
 * Runs ml-levenberg-marquardt (bounded, analytic Jacobian) from the best few candidate starts (ranked by their
 * initial RSS) and keeps the lowest-RSS solution. Iterates in chunks until the RSS stops improving, so the
 * iteration count and the converged flag mean something (the library's own stop rule is an absolute RSS target).
 * Parameters that end on a bound are then held there and the others solved again (see refineFreeParameters).
 */
export function solveFromStarts(problem: CurveProblem, candidates: readonly number[][], opts: SolveOptions = {}): CurveSolution {
  const clamp = (p: readonly number[]) => p.map((v, k) => Math.min(problem.max[k], Math.max(problem.min[k], v)));
  const ranked = candidates
    .map(clamp)
    .map((p) => ({ p, rss: residualSumOfSquares(problem, p) }))
    .filter((c) => Number.isFinite(c.rss))
    .sort((a, b) => a.rss - b.rss)
    .slice(0, opts.maxStarts ?? 4);
  let best: CurveSolution | undefined;
  for (const { p } of ranked) {
    const solution = refineFreeParameters(problem, solve(problem, p, opts), opts);
    if (!best || solution.rss < best.rss) best = solution;
  }
  if (!best || !Number.isFinite(best.rss)) {
    throw new DensityException(DensityErrorCode.FitFailed, `${problem.label}: no starting point gave a finite fit`);
  }
  return best;
}

function solve(problem: CurveProblem, start: readonly number[], opts: SolveOptions): CurveSolution {
  const maxIterations = opts.maxIterations ?? 3000;
  const chunk = opts.chunk ?? 10;
  return opts.scaleColumns ? solveScaled(problem, start, maxIterations, chunk) : solveOnce(problem, start, maxIterations, chunk);
}

/**
 * Holds the parameters that ended on a bound fixed and solves for the others alone. The library computes each step
 * as if every parameter were free, then clamps it: a parameter pressing on its bound spoils every step of the others,
 * which then crawl (a sigmoid whose ceiling sits at a perfect score did not reach a stationary point in 2,000
 * iterations; with the ceiling held, 200 sufficed). The reduced solution is kept only if its RSS is no worse.
 */
function refineFreeParameters(problem: CurveProblem, solution: CurveSolution, opts: SolveOptions): CurveSolution {
  if (solution.atBounds.length === 0 || solution.atBounds.length === problem.parameterNames.length) return solution;
  const fixed = problem.parameterNames.map((name) => solution.atBounds.includes(name));
  const free = fixed.map((f, k) => (f ? -1 : k)).filter((k) => k >= 0);
  const full = (q: readonly number[]) => {
    const p = [...solution.params];
    free.forEach((k, j) => (p[k] = q[j]));
    return p;
  };
  const reduced: CurveProblem = {
    ...problem,
    parameterNames: free.map((k) => problem.parameterNames[k]),
    model: (q) => problem.model(full(q)),
    jacobian: (q) => {
      const j = problem.jacobian(full(q));
      return (i) => {
        const row = j(i);
        return free.map((k) => row[k]);
      };
    },
    min: free.map((k) => problem.min[k]),
    max: free.map((k) => problem.max[k]),
  };
  const inner = solve(reduced, free.map((k) => solution.params[k]), opts);
  if (!(inner.rss <= solution.rss)) return solution;
  const params = full(inner.params);
  const hit = boundsHit(problem, params);
  return {
    params,
    rss: inner.rss,
    iterations: solution.iterations + inner.iterations,
    converged: Number.isFinite(inner.rss) && isStationary(problem, params, hit.map((h) => !h)),
    atBounds: problem.parameterNames.filter((_, k) => hit[k]),
  };
}

/** One library call on the problem with its Jacobian columns scaled to unit norm at `start`. */
function scaledStep(problem: CurveProblem, start: readonly number[], iterations: number): CurveSolution {
  const jac = problem.jacobian(start);
  const norms = start.map((_, k) => Math.sqrt(problem.ys.reduce((s, _y, i) => s + jac(i)[k] ** 2, 0)));
  const scale = norms.map((v) => (v > 0 && Number.isFinite(v) ? 1 / v : 1));
  const up = (q: readonly number[]) => q.map((v, k) => v * scale[k]);
  const scaled: CurveProblem = {
    ...problem,
    model: (q) => problem.model(up(q)),
    jacobian: (q) => {
      const j = problem.jacobian(up(q));
      return (i) => j(i).map((v, k) => v * scale[k]);
    },
    min: problem.min.map((v, k) => v / scale[k]),
    max: problem.max.map((v, k) => v / scale[k]),
  };
  const solution = solveOnce(scaled, start.map((v, k) => v / scale[k]), iterations, iterations);
  return { ...solution, params: up(solution.params) };
}

/**
 * solveOnce on the column-scaled problem (see SolveOptions.scaleColumns), re-scaled at the current point before
 * every chunk (the columns' norms change as the fit moves), mapped back to the caller's parameters.
 */
function solveScaled(problem: CurveProblem, start: readonly number[], maxIterations: number, chunk: number): CurveSolution {
  let best = scaledStep(problem, start, Math.min(chunk, maxIterations));
  let iterations = best.iterations;
  while (iterations < maxIterations) {
    const next = scaledStep(problem, best.params, Math.min(chunk, maxIterations - iterations));
    iterations += next.iterations;
    const relativeGain = (best.rss - next.rss) / Math.max(best.rss, 1e-300);
    if (next.rss < best.rss) best = next;
    if (!(relativeGain >= 1e-10) || next.iterations < chunk) break;
  }
  return { ...best, iterations };
}
