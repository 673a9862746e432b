import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  COMPOSED_FIT_REVISION, PYTHIA_REFERENCE, PythiaTableRow, ReferenceCalibration, calibrateFromScores, observedKeys, parsePythiaTable, pythiaObservations,
} from '@app/density';

/** references/pythia/pythia-evals.csv of this installation, found from wherever this file runs (src or dist). */
export function pythiaTablePath(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'references', 'pythia', 'pythia-evals.csv');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('references/pythia/pythia-evals.csv is missing from this installation');
  }
}

export interface PythiaTable {
  path: string;
  sha256: string;
  rows: PythiaTableRow[];
}

export function readPythiaTable(path = pythiaTablePath()): PythiaTable {
  const bytes = readFileSync(path);
  return { path, sha256: createHash('sha256').update(bytes).digest('hex'), rows: parsePythiaTable(bytes) };
}

/** What identifies a built-in fit: the table it was fitted on and the fitting code's revision. */
export const pythiaFitIdentity = (table: { sha256: string }) => ({ tableSha256: table.sha256, fitRevision: COMPOSED_FIT_REVISION });

/**
 * The built-in reference's calibration: every benchmark key of the standard-Pile grid, fitted and validated
 * (calibrateFromScores); the AVERAGE over the zero-shot benchmarks that pass validation. Seconds of CPU: the
 * service runs it in a worker thread (pythia-fit.worker.ts).
 */
export function calibratePythia(rows: readonly PythiaTableRow[]): ReferenceCalibration {
  const observations = pythiaObservations(rows);
  const benchmarks = observedKeys(observations);
  return calibrateFromScores({
    name: PYTHIA_REFERENCE.name,
    version: 'builtin',
    d0Tokens: PYTHIA_REFERENCE.trainingTokens,
    benchmarks,
    averageCandidates: benchmarks.filter((b) => !b.includes('@')),
    observations,
  });
}
