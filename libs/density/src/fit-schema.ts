import { DensityErrorCode, DensityException } from './density.exception';
import { FitQuality } from './fitting/fit-statistics';

/**
 * Version of every stored fit object. Bump it when a field's meaning changes; readers call assertFit, so a row
 * written by a newer (or older, incompatible) library fails loudly instead of being misread.
 */
export const DENSITY_SCHEMA_VERSION = 1 as const;

/** The common shape of a fitted curve: plain JSON, safe to store in Postgres (jsonb) and S3 as is. */
export interface StoredFit<K extends string, P> {
  schemaVersion: typeof DENSITY_SCHEMA_VERSION;
  kind: K;
  /** The fitted equation in words, with its source. */
  equation: string;
  params: P;
  /** Asymptotic standard errors per parameter; null when the data cannot identify them. */
  standardErrors: P | null;
  quality: FitQuality;
  warnings: string[];
}

/** Checks that a value read back from storage is a fit of this kind and schema version. */
export function assertFit<T extends { kind: string }>(value: unknown, kind: T['kind']): asserts value is T {
  const v = value as Partial<StoredFit<string, unknown>> | null;
  if (!v || typeof v !== 'object' || v.kind !== kind) {
    throw new DensityException(DensityErrorCode.UnsupportedSchema, `expected a stored fit of kind '${kind}', got '${String(v?.kind)}'`);
  }
  if (v.schemaVersion !== DENSITY_SCHEMA_VERSION) {
    throw new DensityException(
      DensityErrorCode.UnsupportedSchema,
      `stored ${kind} fit has schema version ${String(v.schemaVersion)}, this library reads ${DENSITY_SCHEMA_VERSION}`,
    );
  }
}
