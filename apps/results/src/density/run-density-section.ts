import { stringify } from 'csv-stringify/sync';
import type { ReferenceCalibration } from '@app/density';
import { AVERAGE, DensityRow } from './density-rows';
import { EfficiencyFigures, POOLED } from './run-efficiency';

/** One density figure as shown to users: a number, or null with the reason. */
export interface DensityFigure {
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
  /** The benchmark curve's leave-one-size-out validation (composed method); null for the two-step method. */
  validation: FigureValidation | null;
}

export interface FigureValidation {
  validated: boolean;
  /** Median and worst factor between held-out members' N̂ and their true N. */
  typicalFactor: number | null;
  worstFactor: number | null;
}

export interface ReferenceDensity {
  referenceId: string;
  reference: string;
  fitVersionId: string;
  version: number;
  d0Tokens: number;
  /** densing-law-two-step or densing-law-composed-on-scores (ReferenceCalibration.method). */
  method: string;
  headline: DensityFigure;
  benchmarks: DensityFigure[];
}

/** The `densebench.density` section of results.json (GET /v1/runs/:id shows the same figures). */
export interface RunDensitySection {
  computed: boolean;
  reason?: string;
  references: ReferenceDensity[];
  efficiency: EfficiencyFigures[];
  errors: string[];
  report?: { json: string; csv: string };
}

/** The validation summary of one benchmark (or the AVERAGE) of a calibration. */
export function figureValidation(calibration: ReferenceCalibration, benchmark: string): FigureValidation | null {
  const v = (benchmark === AVERAGE ? calibration.average : calibration.benchmarks[benchmark])?.validation;
  return v ? { validated: v.validated, typicalFactor: v.typicalFactor, worstFactor: v.worstFactor } : null;
}

export function toFigure(r: DensityRow, validation: FigureValidation | null = null): DensityFigure {
  return {
    benchmark: r.benchmark,
    metric: r.metric,
    score: r.score,
    scoreSource: r.scoreSource,
    params: r.params,
    lossHat: r.lossHat,
    effectiveParams: r.effectiveParams,
    density: r.density,
    undefinedReason: r.undefinedReason,
    message: r.message,
    extrapolated: r.extrapolated,
    validation,
  };
}

export function referenceDensity(
  version: { id: string; referenceId: string; reference: string; version: number; d0Tokens: number },
  calibration: ReferenceCalibration,
  runRows: readonly DensityRow[],
): ReferenceDensity {
  const headline = runRows.find((r) => r.benchmark === AVERAGE)!;
  return {
    referenceId: version.referenceId,
    reference: version.reference,
    fitVersionId: version.id,
    version: version.version,
    d0Tokens: version.d0Tokens,
    method: calibration.method,
    headline: toFigure(headline, figureValidation(calibration, AVERAGE)),
    benchmarks: runRows.filter((r) => r.benchmark !== AVERAGE).map((r) => toFigure(r, figureValidation(calibration, r.benchmark))),
  };
}

/** The run's report as JSON: the section itself, with the run and model it is about. */
export function runReportJson(run: { id: string; model: { id: string; name: string } }, section: RunDensitySection): string {
  const { report: _keys, ...figures } = section;
  return JSON.stringify({ kind: 'run-density-report', runId: run.id, model: run.model, ...figures }, null, 2);
}

const CSV_COLUMNS = [
  'reference', 'fit_version', 'method', 'validated', 'benchmark', 'metric', 'score', 'params', 'effective_params', 'density', 'density_undefined_reason',
  'items', 'input_tokens', 'output_tokens', 'busy_ms', 'cost_usd', 'score_per_1k_output_tokens', 'score_per_dollar', 'score_per_tflop', 'flops',
];

/**
 * The run's report as CSV, one line per reference × benchmark (the AVERAGE line carries the pooled efficiency
 * figures); with no reference family, one line per benchmark with efficiency figures only. Empty cells are nulls.
 */
export function runReportCsv(section: RunDensitySection): string {
  const eff = new Map(section.efficiency.map((e) => [e.benchmark, e]));
  const efficiencyCells = (benchmark: string) => {
    const e = eff.get(benchmark === AVERAGE ? POOLED : benchmark);
    return e
      ? [e.items, e.inputTokens, e.outputTokens, e.busyMs, e.costUsd, e.scorePer1kOutputTokens, e.scorePerDollar, e.scorePerTflop, e.computeDensity.flops]
      : Array(9).fill(null);
  };
  const lines: unknown[][] = [];
  for (const ref of section.references) {
    for (const f of [...ref.benchmarks, ref.headline]) {
      lines.push([ref.reference, ref.version, ref.method, f.validation?.validated ?? null, f.benchmark, f.metric, f.score, f.params, f.effectiveParams, f.density, f.undefinedReason, ...efficiencyCells(f.benchmark)]);
    }
  }
  if (section.references.length === 0) {
    for (const e of section.efficiency) lines.push([null, null, null, null, e.benchmark, e.metric, e.score, null, null, null, null, ...efficiencyCells(e.benchmark)]);
  }
  return stringify(lines, { header: true, columns: CSV_COLUMNS, cast: { number: (v) => String(v), boolean: (v) => String(v) } });
}
