import { Matrix, QrDecomposition, inverse } from 'ml-matrix';
import { DensityErrorCode, DensityException } from '../density.exception';
import { FitQuality, goodnessOfFit } from './fit-statistics';

export interface LinearFit {
  coefficients: number[];
  /** Standard errors of the coefficients, null when the design is rank deficient. */
  standardErrors: number[] | null;
  quality: FitQuality;
}

/**
 * Ordinary least squares y ≈ X·β through ml-matrix's QR decomposition (no normal equations, so a
 * badly scaled design loses no precision). Throws DEGENERATE_DATA when X is rank deficient.
 */
export function linearLeastSquares(design: readonly number[][], ys: readonly number[], label: string): LinearFit {
  const x = new Matrix(design.map((row) => [...row]));
  const qr = new QrDecomposition(x);
  if (!qr.isFullRank()) {
    throw new DensityException(DensityErrorCode.DegenerateData, `${label}: the regressors are collinear (rank-deficient design)`);
  }
  const beta = qr.solve(Matrix.columnVector([...ys])).getColumn(0);
  const predicted = design.map((row) => row.reduce((s, v, j) => s + v * beta[j], 0));
  const fit = goodnessOfFit(ys, predicted, beta.length);
  let standardErrors: number[] | null = null;
  if (fit.degreesOfFreedom > 0) {
    const covariance = inverse(x.transpose().mmul(x)).mul(fit.rss / fit.degreesOfFreedom);
    standardErrors = beta.map((_, j) => Math.sqrt(Math.max(0, covariance.get(j, j))));
  }
  return { coefficients: beta, standardErrors, quality: { ...fit, iterations: 0, converged: true } };
}
