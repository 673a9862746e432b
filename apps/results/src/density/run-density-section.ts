import { stringify } from 'csv-stringify/sync';
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
}

export interface ReferenceDensity {
  referenceId: string;
  reference: string;
  fitVersionId: string;
  version: number;
  d0Tokens: number;
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

export function toFigure(r: DensityRow): DensityFigure {
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
  };
}

export function referenceDensity(
  version: { id: string; referenceId: string; reference: string; version: number; d0Tokens: number },
  runRows: readonly DensityRow[],
): ReferenceDensity {
  const headline = runRows.find((r) => r.benchmark === AVERAGE)!;
  return {
    referenceId: version.referenceId,
    reference: version.reference,
    fitVersionId: version.id,
    version: version.version,
    d0Tokens: version.d0Tokens,
    headline: toFigure(headline),
    benchmarks: runRows.filter((r) => r.benchmark !== AVERAGE).map(toFigure),
  };
}

/** The run's report as JSON: the section itself, with the run and model it is about. */
export function runReportJson(run: { id: string; model: { id: string; name: string } }, section: RunDensitySection): string {
  const { report: _keys, ...figures } = section;
  return JSON.stringify({ kind: 'run-density-report', runId: run.id, model: run.model, ...figures }, null, 2);
}

const CSV_COLUMNS = [
  'reference', 'fit_version', 'benchmark', 'metric', 'score', 'params', 'effective_params', 'density', 'density_undefined_reason',
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
      lines.push([ref.reference, ref.version, f.benchmark, f.metric, f.score, f.params, f.effectiveParams, f.density, f.undefinedReason, ...efficiencyCells(f.benchmark)]);
    }
  }
  if (section.references.length === 0) {
    for (const e of section.efficiency) lines.push([null, null, e.benchmark, e.metric, e.score, null, null, null, null, ...efficiencyCells(e.benchmark)]);
  }
  return stringify(lines, { header: true, columns: CSV_COLUMNS, cast: { number: (v) => String(v) } });
}
