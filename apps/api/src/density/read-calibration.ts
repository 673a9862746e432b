import { ReferenceCalibration, assertCalibration } from '@app/density';

/** A stored calibration, checked (kind and schema version) before use: a row of another library version fails loudly. */
export function readCalibration(stored: unknown): ReferenceCalibration {
  assertCalibration(stored);
  return stored;
}
