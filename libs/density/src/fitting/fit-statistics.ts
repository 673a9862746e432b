import { Matrix, SingularValueDecomposition } from 'ml-matrix';

/** How well a fitted curve matches its data. Plain numbers, stored with every fit. */
export interface FitQuality {
  n: number;
  parameterCount: number;
  degreesOfFreedom: number;
  /** Residual sum of squares Σ(y − ŷ)². */
  rss: number;
  /** Coefficient of determination 1 − RSS/TSS. */
  rSquared: number;
  /** Root mean squared error √(RSS/n). */
  rmse: number;
  /** Optimiser iterations (0 for closed-form fits). */
  iterations: number;
  /** True when the optimiser stopped at a stationary point (first-order optimality), not at its iteration cap. */
  converged: boolean;
}

export function goodnessOfFit(
  ys: readonly number[],
  predicted: readonly number[],
  parameterCount: number,
): Omit<FitQuality, 'iterations' | 'converged'> {
  const n = ys.length;
  const mean = ys.reduce((s, v) => s + v, 0) / n;
  let rss = 0;
  let tss = 0;
  for (let i = 0; i < n; i++) {
    rss += (ys[i] - predicted[i]) ** 2;
    tss += (ys[i] - mean) ** 2;
  }
  return {
    n,
    parameterCount,
    degreesOfFreedom: n - parameterCount,
    rss,
    rSquared: tss > 0 ? 1 - rss / tss : rss === 0 ? 1 : 0,
    rmse: Math.sqrt(rss / n),
  };
}

/**
 * Asymptotic standard errors √diag(σ²(JᵀJ)⁻¹), σ² = RSS/(n − p), from the model's Jacobian (rows = points,
 * columns = parameters) at the optimum. Columns are scaled to unit norm before the SVD so the conditioning
 * test is about identifiability, not units. Returns null when the parameters are not identifiable
 * (condition number above 1e10), e.g. when two parameters trade off perfectly on this data.
 */
export function standardErrors(jacobianRows: readonly number[][], rss: number): number[] | null {
  const n = jacobianRows.length;
  const p = jacobianRows[0]?.length ?? 0;
  if (n <= p || p === 0) return null;
  const norms = Array.from({ length: p }, (_, j) => Math.sqrt(jacobianRows.reduce((s, row) => s + row[j] ** 2, 0)));
  if (norms.some((v) => !(v > 0) || !Number.isFinite(v))) return null;
  const scaled = new Matrix(jacobianRows.map((row) => row.map((v, j) => v / norms[j])));
  const svd = new SingularValueDecomposition(scaled, { autoTranspose: true });
  const singular = svd.diagonal;
  const smax = Math.max(...singular);
  const smin = Math.min(...singular);
  if (!(smin > smax * 1e-10)) return null;
  const v = svd.rightSingularVectors;
  const sigma2 = rss / (n - p);
  return norms.map((norm, j) => {
    let variance = 0;
    for (let k = 0; k < p; k++) variance += (v.get(j, k) / singular[k]) ** 2;
    return Math.sqrt((variance * sigma2) / (norm * norm));
  });
}
