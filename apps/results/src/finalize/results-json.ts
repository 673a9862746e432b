export interface BenchmarkSummary {
  name: string;
  isGroup: boolean;
  numFewshot: number | null;
  totalDocs: number;
  evaluated: number;
  version: string;
  higherIsBetter: Record<string, boolean>;
  metrics: Record<string, { value: number; stderr: number | null; n: number }>;
}

/**
 * An lm-evaluation-harness compatible results file ("results", "versions", "n-shot",
 * "higher_is_better", "n-samples", "config"), plus densebench's own section.
 */
export function buildResultsJson(input: {
  runId: string;
  model: { id: string; name: string; paramsTotal: number; paramsActive: number | null; backend: unknown };
  benchmarks: BenchmarkSummary[];
  seed: number;
  wallMs: number | null;
  tokens: { input: number; output: number };
  status: string;
  error: string | null;
  envelope: Record<string, unknown> | null;
}): Record<string, unknown> {
  const results: Record<string, Record<string, unknown>> = {};
  const groups: Record<string, Record<string, unknown>> = {};
  const versions: Record<string, string> = {};
  const nShot: Record<string, number> = {};
  const hib: Record<string, Record<string, boolean>> = {};
  const nSamples: Record<string, { original: number; effective: number }> = {};
  for (const b of input.benchmarks) {
    const r: Record<string, unknown> = { alias: b.name };
    for (const [key, m] of Object.entries(b.metrics)) {
      // lm-eval keys: "<metric>,<filter>", the filter "none" when the task declares none.
      const [metric, filter = 'none'] = key.split(',');
      r[`${metric},${filter}`] = m.value;
      r[`${metric}_stderr,${filter}`] = m.stderr ?? 'N/A';
    }
    results[b.name] = r;
    if (b.isGroup) groups[b.name] = r;
    versions[b.name] = b.version;
    nShot[b.name] = b.numFewshot ?? 0;
    hib[b.name] = b.higherIsBetter;
    nSamples[b.name] = { original: b.totalDocs, effective: b.evaluated };
  }
  return {
    results,
    groups,
    versions,
    'n-shot': nShot,
    higher_is_better: hib,
    'n-samples': nSamples,
    config: {
      model: input.model.name,
      model_args: input.model.backend,
      random_seed: input.seed,
      fewshot_seed: input.seed,
    },
    date: Date.now() / 1000,
    total_evaluation_time_seconds: input.wallMs === null ? null : String(input.wallMs / 1000),
    densebench: {
      run_id: input.runId,
      status: input.status,
      error: input.error,
      model: input.model,
      tokens: input.tokens,
      envelope: input.envelope,
    },
  };
}
