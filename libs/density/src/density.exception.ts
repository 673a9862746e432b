import { DomainException } from '@app/contracts';

/** Why a density computation refused to run. Mapped to HTTP / retryability at the edges (STYLE rule 9). */
export enum DensityErrorCode {
  /** Fewer points than the fit needs (parameters + 1), or an empty input. */
  InsufficientData = 'DENSITY_INSUFFICIENT_DATA',
  /** The data cannot identify the curve (a constant column, a single size or token count, ...). */
  DegenerateData = 'DENSITY_DEGENERATE_DATA',
  /** The data has no monotone trend where the method requires one. */
  NonMonotoneData = 'DENSITY_NON_MONOTONE_DATA',
  /** A malformed value: negative size, NaN score, unparsable CSV/JSON field, ... */
  InvalidInput = 'DENSITY_INVALID_INPUT',
  /** The optimiser produced no finite solution from any starting point. */
  FitFailed = 'DENSITY_FIT_FAILED',
  /** A stored fit object of an unknown kind or schema version. */
  UnsupportedSchema = 'DENSITY_UNSUPPORTED_SCHEMA',
  /** The chart renderer (vega / resvg) failed. */
  RenderFailed = 'DENSITY_RENDER_FAILED',
}

/**
 * The density domain's refusals: a DomainException with the DENSITY_… codes, so the API's one exception filter maps
 * them to HTTP and a processor treats them as permanent (the same data fails the same way on a retry).
 */
export class DensityException extends DomainException<DensityErrorCode> {
  constructor(code: DensityErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'DensityException';
  }
}
