/**
 * Domain errors shared by every app. Code that the worker also runs throws these (never HttpException);
 * the API maps codes to HTTP statuses in its exception filter and the worker maps them to
 * "retry" versus BullMQ's UnrecoverableError.
 */
export enum ErrorCode {
  NotFound = 'not_found',
  InvalidInput = 'invalid_input',
  Conflict = 'conflict',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  /** A model file, dataset or artifact that should exist does not. Permanent. */
  MissingResource = 'missing_resource',
  /** A failure that may succeed when retried (network, 5xx, timeouts). */
  Transient = 'transient',
  Cancelled = 'cancelled',
  Internal = 'internal',
}

/**
 * A refusal of the domain. `C` lets a domain bring its own code family (DensityException: DENSITY_…) while every
 * edge handles one type: the API's DomainExceptionFilter, the processors' retry classification.
 */
export class DomainException<C extends string = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainException';
  }

  get retryable(): boolean {
    return (this.code as string) === ErrorCode.Transient;
  }
}

export const notFound = (what: string, id: string): DomainException =>
  new DomainException(ErrorCode.NotFound, `${what} ${id} not found`, { id });

export const invalidInput = (message: string, details?: Record<string, unknown>): DomainException =>
  new DomainException(ErrorCode.InvalidInput, message, details);

export const isRetryable = (err: unknown): boolean =>
  !(err instanceof DomainException) || err.retryable;

/**
 * The reason a job's request fails for good: a permanent DomainException (a DensityException too: the same data fails
 * the same way again); null for a failure that may pass when retried.
 */
export const permanentRefusal = (err: unknown): { code: string; message: string; details?: Record<string, unknown> } | null =>
  err instanceof DomainException && !err.retryable ? { code: err.code, message: err.message, details: err.details } : null;
