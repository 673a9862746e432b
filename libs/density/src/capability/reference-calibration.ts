import { DensityErrorCode, DensityException } from '../density.exception';
import { LossFit, LossPoint, fitLossCurve } from '../curves/loss-curve';
import { PerformanceFit, PerformancePoint, fitPerformanceCurve } from '../curves/performance-curve';
import { COMPOSED_METHOD, ComposedScoreFit } from '../curves/composed-score-curve';
import { DENSITY_SCHEMA_VERSION, assertFit } from '../fit-schema';
import { DEFAULT_D0_TOKENS } from './effective-size';
import type { SizeValidation } from './size-validation';

/** A model of the loss-estimation family (Step 1): same training data, several sizes N and token counts D. */
export interface LossFamilyModel {
  id: string;
  params: number;
  tokens: number;
  /** Conditional loss per benchmark (−log P(answer | instruction) per token on the test items). */
  losses: Record<string, number>;
}

/** A well-trained model sharing the family's tokenizer (Step 2): its loss and score per benchmark. */
export interface PerformanceFamilyModel {
  id: string;
  losses: Record<string, number>;
  scores: Record<string, number>;
}

export interface ReferenceFamilyInput {
  name: string;
  version?: string;
  tokenizer?: string;
  /** D0 of Eq. 4; default 5T tokens (the journal version's). */
  d0Tokens?: number;
  /** Benchmarks to calibrate; default: every benchmark named in the data. Also the AVERAGE's benchmarks. */
  benchmarks?: string[];
  lossModels: LossFamilyModel[];
  performanceModels: PerformanceFamilyModel[];
}

export interface BenchmarkCurves {
  loss: LossFit;
  performance: PerformanceFit;
  /** With the composed method: the joint fit on scores the two curves were read from. */
  composed?: ComposedScoreFit;
  /** With the composed method: how well the family predicts its own sizes when each is left out. */
  validation?: SizeValidation;
}

export type CalibrationMethod = 'densing-law-two-step' | typeof COMPOSED_METHOD;

/** Everything needed to turn scores into densities; plain JSON, versioned (schemaVersion), storable as is. */
export interface ReferenceCalibration {
  schemaVersion: typeof DENSITY_SCHEMA_VERSION;
  kind: 'reference-calibration';
  /**
   * 'densing-law-two-step': the paper's method, Eq. 2 on conditional losses and Eq. 3 on (loss, score).
   * 'densing-law-composed-on-scores': the two composed and fitted on scores over an (N, D) grid, for families whose
   * losses were not published (composed-score-curve.ts).
   */
  method: CalibrationMethod;
  family: { name: string; version?: string; tokenizer?: string };
  d0Tokens: number;
  benchmarks: Record<string, BenchmarkCurves>;
  /** Benchmarks of the input that could not be fitted, with the reason (composed method). */
  excluded?: Record<string, string>;
  /** The paper's AVERAGE panel: Eq. 2 on the mean loss over `benchmarks`, Eq. 3 on (mean loss, mean score). */
  average: BenchmarkCurves & { benchmarks: string[]; warnings: string[] };
}

export const AVERAGE = 'AVERAGE';

const has = (r: Record<string, number>, b: string) => typeof r[b] === 'number' && Number.isFinite(r[b]);
const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

function benchmarkNames(input: ReferenceFamilyInput): string[] {
  if (input.benchmarks?.length) return [...input.benchmarks];
  const names = new Set<string>();
  for (const m of input.lossModels) Object.keys(m.losses).forEach((b) => names.add(b));
  for (const m of input.performanceModels) Object.keys(m.scores).forEach((b) => names.add(b));
  return [...names].sort();
}

function fitBenchmark(input: ReferenceFamilyInput, benchmark: string): BenchmarkCurves {
  const lossPoints: LossPoint[] = input.lossModels
    .filter((m) => has(m.losses, benchmark))
    .map((m) => ({ params: m.params, tokens: m.tokens, loss: m.losses[benchmark] }));
  const perfPoints: PerformancePoint[] = input.performanceModels
    .filter((m) => has(m.losses, benchmark) && has(m.scores, benchmark))
    .map((m) => ({ loss: m.losses[benchmark], score: m.scores[benchmark] }));
  return {
    loss: fitLossCurve(lossPoints, { label: `${benchmark} loss curve (Eq. 2)` }),
    performance: fitPerformanceCurve(perfPoints, `${benchmark} performance curve (Eq. 3)`),
  };
}

function fitAverage(input: ReferenceFamilyInput, benchmarks: string[]): ReferenceCalibration['average'] {
  const warnings: string[] = [];
  const complete = <T extends { id: string }>(models: T[], ok: (m: T) => boolean, what: string) => {
    const kept = models.filter(ok);
    const dropped = models.filter((m) => !ok(m)).map((m) => m.id);
    if (dropped.length) warnings.push(`${AVERAGE}: ${what} without every benchmark left out: ${dropped.join(', ')}`);
    return kept;
  };
  const lossModels = complete(input.lossModels, (m) => benchmarks.every((b) => has(m.losses, b)), 'loss models');
  const perfModels = complete(
    input.performanceModels,
    (m) => benchmarks.every((b) => has(m.losses, b) && has(m.scores, b)),
    'performance models',
  );
  const loss = fitLossCurve(
    lossModels.map((m) => ({ params: m.params, tokens: m.tokens, loss: mean(benchmarks.map((b) => m.losses[b])) })),
    { label: `${AVERAGE} loss curve (Eq. 2)` },
  );
  const performance = fitPerformanceCurve(
    perfModels.map((m) => ({ loss: mean(benchmarks.map((b) => m.losses[b])), score: mean(benchmarks.map((b) => m.scores[b])) })),
    `${AVERAGE} performance curve (Eq. 3)`,
  );
  return { loss, performance, benchmarks, warnings };
}

/**
 * Fits the reference family once: per benchmark, Eq. 2 on the loss family and Eq. 3 on the performance
 * family; plus the AVERAGE panel (means over the benchmarks). Deterministic: the same input gives the same
 * calibration, so it can be recomputed and compared, and stored with its version.
 */
export function calibrateReference(input: ReferenceFamilyInput): ReferenceCalibration {
  const d0Tokens = input.d0Tokens ?? DEFAULT_D0_TOKENS;
  if (!(d0Tokens > 0) || !Number.isFinite(d0Tokens)) {
    throw new DensityException(DensityErrorCode.InvalidInput, `d0Tokens must be a positive number, got ${d0Tokens}`);
  }
  const names = benchmarkNames(input);
  if (names.length === 0) throw new DensityException(DensityErrorCode.InsufficientData, 'the reference family names no benchmark');
  if (names.includes(AVERAGE)) throw new DensityException(DensityErrorCode.InvalidInput, `'${AVERAGE}' is reserved`);
  const benchmarks: Record<string, BenchmarkCurves> = {};
  for (const b of names) benchmarks[b] = fitBenchmark(input, b);
  return {
    schemaVersion: DENSITY_SCHEMA_VERSION,
    kind: 'reference-calibration',
    method: 'densing-law-two-step',
    family: { name: input.name, version: input.version, tokenizer: input.tokenizer },
    d0Tokens,
    benchmarks,
    average: fitAverage(input, names),
  };
}

/** Validates a calibration read back from storage (kind and schema version of it and of every curve). */
export function assertCalibration(value: unknown): asserts value is ReferenceCalibration {
  assertFit<ReferenceCalibration>(value, 'reference-calibration');
  for (const curves of [...Object.values(value.benchmarks), value.average]) {
    assertFit<LossFit>(curves.loss, 'loss-scaling');
    assertFit<PerformanceFit>(curves.performance, 'performance-sigmoid');
    if (curves.composed) assertFit<ComposedScoreFit>(curves.composed, 'composed-score-scaling');
  }
}

/** A stored calibration read back for use: checked (kind and schema version), so a row of another library version fails loudly. */
export function readCalibration(stored: unknown): ReferenceCalibration {
  assertCalibration(stored);
  return stored;
}
