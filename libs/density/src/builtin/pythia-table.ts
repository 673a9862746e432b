import { parse } from 'csv-parse/sync';
import { benchmarkKey } from '../benchmark-key';
import { GridObservation } from '../capability/score-calibration';
import { DensityErrorCode, DensityException } from '../density.exception';

/**
 * The built-in Pythia reference, read from references/pythia/pythia-evals.csv (derived by derive-table.js from
 * EleutherAI's published lm-evaluation-harness v0.3 result files; see references/pythia/README.md).
 */
export const PYTHIA_REFERENCE = {
  name: 'pythia',
  suite: 'pile',
  /** README.pythia.md: every model saw 299,892,736,000 tokens (143,000 steps of 2,097,152). */
  trainingTokens: 299_892_736_000,
  /**
   * Tasks of the table that densebench runs, with the metric its task reports first (acc_norm where the task has
   * it, as primaryMetricKey prefers). Left out: sciq (its data could not be obtained, so no run can be compared) and
   * wsc, which in lm-eval v0.3 is SuperGLUE's WSC (104 validation items), not wsc273.
   */
  metrics: {
    arc_easy: 'acc_norm',
    arc_challenge: 'acc_norm',
    lambada_openai: 'acc',
    piqa: 'acc_norm',
    winogrande: 'acc',
    logiqa: 'acc_norm',
    mmlu: 'acc',
  } as Record<string, string>,
  /** Which count of N the fits use, and why (README section "Pythia"). */
  paramsColumn: 'params_total' as 'params_total' | 'params_non_embedding',
};

export interface PythiaTableRow {
  suite: string;
  model: string;
  params_total: number;
  params_non_embedding: number;
  step: number;
  tokens: number;
  num_fewshot: number;
  task: string;
  metric: string;
  value: number;
  stderr: number | null;
  n: number | null;
  source: string;
}

const COLUMNS = ['suite', 'model', 'params_total', 'params_non_embedding', 'step', 'tokens', 'num_fewshot', 'task', 'metric', 'value', 'stderr', 'n', 'source'];
const NUMERIC = new Set(['params_total', 'params_non_embedding', 'step', 'tokens', 'num_fewshot', 'value', 'stderr', 'n']);

export function parsePythiaTable(csv: string | Buffer): PythiaTableRow[] {
  const rows: Record<string, string>[] = parse(csv, { columns: true, skip_empty_lines: true });
  if (rows.length === 0) throw new DensityException(DensityErrorCode.InvalidInput, 'the Pythia table is empty');
  const missing = COLUMNS.filter((c) => !(c in rows[0]));
  if (missing.length) throw new DensityException(DensityErrorCode.InvalidInput, `the Pythia table lacks column(s) ${missing.join(', ')}`);
  return rows.map((r, i) => {
    const out: Record<string, unknown> = { ...r };
    for (const c of NUMERIC) {
      if (r[c] === '' && (c === 'stderr' || c === 'n')) out[c] = null;
      else {
        const v = Number(r[c]);
        if (!Number.isFinite(v)) throw new DensityException(DensityErrorCode.InvalidInput, `Pythia table line ${i + 2}: ${c} = "${r[c]}" is not a number`);
        out[c] = v;
      }
    }
    return out as unknown as PythiaTableRow;
  });
}

/**
 * The (N, D) grid of one suite as calibration input: one observation per model and checkpoint, its scores keyed by
 * benchmarkKey (arc_easy, mmlu@5-shot, …) in the reference's metric. Step 0 (D = 0, an untrained model) is left out.
 */
export function pythiaObservations(
  rows: readonly PythiaTableRow[],
  opts: { suite?: string; paramsColumn?: 'params_total' | 'params_non_embedding' } = {},
): GridObservation[] {
  const suite = opts.suite ?? PYTHIA_REFERENCE.suite;
  const column = opts.paramsColumn ?? PYTHIA_REFERENCE.paramsColumn;
  const byCheckpoint = new Map<string, GridObservation>();
  for (const r of rows) {
    if (r.suite !== suite || r.step === 0 || PYTHIA_REFERENCE.metrics[r.task] !== r.metric) continue;
    const id = `${r.model}@${r.step}`;
    const o = byCheckpoint.get(id) ?? { member: r.model, params: r[column], tokens: r.tokens, scores: {} };
    o.scores[benchmarkKey(r.task, r.num_fewshot)] = r.value;
    byCheckpoint.set(id, o);
  }
  return [...byCheckpoint.values()];
}

/** Every benchmark key present in the observations, in a stable order. */
export function observedKeys(observations: readonly GridObservation[]): string[] {
  return [...new Set(observations.flatMap((o) => Object.keys(o.scores)))].sort();
}
