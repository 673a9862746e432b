import { AVERAGE, BenchmarkDensity, ReferenceCalibration, estimateModelDensity } from '@app/density';

/** Who a density is about: a model (from its best-known scores) or one run (from that run's scores). */
export interface DensitySubject {
  kind: 'model' | 'run';
  subjectId: string;
  modelId: string;
  runId: string | null;
  params: number;
  /** Benchmark → score (in the fit's metric), its standard error when known, and where it came from ('run:<id>', 'import:<id>'). */
  scores: Record<string, { score: number; source: string; stderr?: number | null }>;
}

export interface FitVersionRef {
  id: string;
  referenceId: string;
  metrics: Record<string, string>;
  calibration: unknown;
}

/** One row of the densities table (column names as the entity's properties). */
export interface DensityRow {
  fitVersionId: string;
  referenceId: string;
  subjectKind: 'model' | 'run';
  subjectId: string;
  modelId: string;
  runId: string | null;
  benchmark: string;
  metric: string | null;
  score: number | null;
  scoreSource: string | null;
  params: number;
  lossHat: number | null;
  effectiveParams: number | null;
  density: number | null;
  undefinedReason: string | null;
  message: string | null;
  extrapolated: { params: boolean; loss: boolean } | null;
}

function toRow(version: FitVersionRef, subject: DensitySubject, b: BenchmarkDensity, metric: string | null, source: string | null): DensityRow {
  const e = b.estimate;
  return {
    fitVersionId: version.id,
    referenceId: version.referenceId,
    subjectKind: subject.kind,
    subjectId: subject.subjectId,
    modelId: subject.modelId,
    runId: subject.runId,
    benchmark: b.benchmark,
    metric,
    score: b.score,
    scoreSource: b.score === null ? null : source,
    params: subject.params,
    lossHat: e.defined ? e.lossHat : null,
    effectiveParams: e.defined ? e.effectiveParams : null,
    density: e.defined ? e.density : null,
    undefinedReason: e.defined ? null : e.reason,
    message: e.defined ? null : e.message,
    extrapolated: e.defined ? e.extrapolated : null,
  };
}

/**
 * Densities of one subject against one fit version: one row per calibrated benchmark and one for the AVERAGE
 * headline (estimateModelDensity). Undefined results become rows with a null density and the library's reason.
 */
export function densityRows(version: FitVersionRef, calibration: ReferenceCalibration, subject: DensitySubject): DensityRow[] {
  const scores = Object.fromEntries(Object.entries(subject.scores).map(([b, s]) => [b, s.score]));
  const stderrs = Object.fromEntries(Object.entries(subject.scores).map(([b, s]) => [b, s.stderr ?? null]));
  const report = estimateModelDensity(calibration, { id: subject.subjectId, params: subject.params, scores, stderrs });
  const rows = report.perBenchmark.map((b) => toRow(version, subject, b, version.metrics[b.benchmark] ?? null, subject.scores[b.benchmark]?.source ?? null));
  const sources = new Set(calibration.average.benchmarks.map((b) => subject.scores[b]?.source).filter((s): s is string => !!s));
  const headlineSource = sources.size === 1 ? [...sources][0] : sources.size > 1 ? 'mixed' : null;
  rows.push(toRow(version, subject, report.headline, null, headlineSource));
  return rows;
}

/** True when the subject has a score on at least one of the calibration's benchmarks. */
export function hasAnyCalibratedScore(calibration: ReferenceCalibration, subject: DensitySubject): boolean {
  return Object.keys(calibration.benchmarks).some((b) => subject.scores[b] !== undefined);
}

export { AVERAGE };
