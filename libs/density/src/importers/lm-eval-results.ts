import { DensityErrorCode, DensityException } from '../density.exception';
import { PRIMARY_METRIC_NAMES } from '../primary-metric';

/** One metric of one task, e.g. ("acc", "none") or ("exact_match", "strict-match"), with its stderr. */
export interface LmEvalMetric {
  metric: string;
  filter: string;
  value: number;
  /** null when absent or reported as "N/A" (e.g. bootstrap_iters = 0). */
  stderr: number | null;
  higherIsBetter: boolean | null;
}

export interface LmEvalTaskResult {
  task: string;
  alias: string | null;
  version: string | null;
  nShot: number | null;
  samples: { original: number; effective: number } | null;
  /** True for group entries (e.g. "mmlu") that aggregate subtasks listed in group_subtasks. */
  isGroup: boolean;
  metrics: LmEvalMetric[];
}

export interface LmEvalImport {
  model: {
    name: string;
    /** model_args as key/value pairs ("pretrained=…,dtype=…" or an object). */
    args: Record<string, string>;
    numParameters: number | null;
    dtype: string | null;
    revision: string | null;
    sha: string | null;
  };
  tasks: LmEvalTaskResult[];
  provenance: {
    format: 'lm-evaluation-harness';
    source: string | null;
    gitHash: string | null;
    /** The run's timestamp (lm-eval's "date", UNIX seconds) as ISO 8601. */
    date: string | null;
    transformersVersion: string | null;
    limit: number | null;
  };
}

type Json = Record<string, unknown>;

const fail = (path: string, problem: string): never => {
  throw new DensityException(DensityErrorCode.InvalidInput, `lm-eval results: ${path} ${problem}`);
};
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function parseModelArgs(raw: unknown): Record<string, string> {
  if (isObject(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  if (typeof raw !== 'string' || raw.trim() === '') return {};
  return Object.fromEntries(
    raw.split(',').map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [pair.trim(), ''] : [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
    }),
  );
}

function parseTask(task: string, entry: unknown, doc: Json, groups: Set<string>): LmEvalTaskResult {
  if (!isObject(entry)) return fail(`results.${task}`, 'must be an object');
  const values = new Map<string, number>();
  const stderrs = new Map<string, number | null>();
  for (const [key, value] of Object.entries(entry)) {
    const comma = key.indexOf(',');
    if (comma < 0) continue; // alias, name, sample_len, sample_count, …
    const [metric, filter] = [key.slice(0, comma), key.slice(comma + 1)];
    const path = `results.${task}["${key}"]`;
    if (metric.endsWith('_stderr')) {
      if (value === 'N/A' || value === null) stderrs.set(`${metric.slice(0, -7)},${filter}`, null);
      else stderrs.set(`${metric.slice(0, -7)},${filter}`, num(value) ?? fail(path, `must be a number or "N/A", got ${JSON.stringify(value)}`));
    } else if (value !== null && value !== 'N/A') {
      values.set(key, num(value) ?? fail(path, `must be a number, got ${JSON.stringify(value)}`));
    }
  }
  const higher = isObject(doc['higher_is_better']) && isObject(doc['higher_is_better'][task]) ? doc['higher_is_better'][task] : {};
  const nSamples = isObject(doc['n-samples']) ? doc['n-samples'][task] : undefined;
  const nShot = isObject(doc['n-shot']) ? doc['n-shot'][task] : undefined;
  const version = isObject(doc['versions']) ? doc['versions'][task] : undefined;
  return {
    task,
    alias: str(entry['alias'])?.trim() ?? null,
    version: str(version),
    nShot: num(nShot),
    samples: isObject(nSamples) && num(nSamples['original']) !== null && num(nSamples['effective']) !== null
      ? { original: nSamples['original'] as number, effective: nSamples['effective'] as number }
      : null,
    isGroup: groups.has(task),
    metrics: [...values].map(([key, value]) => {
      const [metric, filter] = [key.slice(0, key.indexOf(',')), key.slice(key.indexOf(',') + 1)];
      const hib = higher[metric];
      return { metric, filter, value, stderr: stderrs.get(key) ?? null, higherIsBetter: typeof hib === 'boolean' ? hib : null };
    }),
  };
}

/**
 * Parses an lm-evaluation-harness results_<timestamp>.json (the object simple_evaluate returns, as saved by
 * --output_path): "results" (task → "metric,filter" values and "metric_stderr,filter"), "versions", "n-shot",
 * "n-samples", "higher_is_better", "group_subtasks", "config" (model, model_args, model_num_parameters, …).
 * The model name comes from model_name (top level or in config), else model_args pretrained=… (or model=…).
 */
export function parseLmEvalResults(input: string | object, opts: { source?: string } = {}): LmEvalImport {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (error) {
      fail('file', `is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!isObject(doc)) return fail('file', 'must be a JSON object');
  if (!isObject(doc['results'])) return fail('"results"', 'is missing or not an object');
  const config = isObject(doc['config']) ? doc['config'] : {};
  const args = parseModelArgs(config['model_args']);
  const name = str(doc['model_name']) ?? str(config['model_name']) ?? args['pretrained'] ?? args['model'] ?? null;
  if (!name) fail('model', 'is not named: expected "model_name", "config.model_name" or pretrained=… in "config.model_args"');
  const groups = new Set(isObject(doc['group_subtasks']) ? Object.keys(doc['group_subtasks']).filter((g) => {
    const subtasks = (doc as Json)['group_subtasks'] as Json;
    return Array.isArray(subtasks[g]) && (subtasks[g] as unknown[]).length > 0;
  }) : []);
  const date = num(doc['date']);
  return {
    model: {
      name: name!,
      args,
      numParameters: num(config['model_num_parameters']),
      dtype: str(config['model_dtype']),
      revision: str(config['model_revision']),
      sha: str(config['model_sha']),
    },
    tasks: Object.entries(doc['results']).map(([task, entry]) => parseTask(task, entry, doc as Json, groups)),
    provenance: {
      format: 'lm-evaluation-harness',
      source: opts.source ?? null,
      gitHash: str(doc['git_hash']),
      date: date === null ? null : new Date(date * 1000).toISOString(),
      transformersVersion: str(doc['transformers_version']),
      limit: num(config['limit']),
    },
  };
}

/** The first metric present in `prefer` order (default: PRIMARY_METRIC_NAMES), for one filter. */
export function primaryMetric(task: LmEvalTaskResult, prefer: readonly string[] = PRIMARY_METRIC_NAMES, filter?: string): LmEvalMetric | null {
  for (const name of prefer) {
    const hit = task.metrics.find((m) => m.metric === name && (filter === undefined || m.filter === filter));
    if (hit) return hit;
  }
  return null;
}

/**
 * Task → primary score (with its stderr and which metric/filter it is), ready for TargetModel.scores.
 * Tasks with none of the preferred metrics are left out; groups are kept (e.g. "mmlu").
 */
export function lmEvalScores(
  imported: LmEvalImport,
  opts: { prefer?: readonly string[]; filter?: string } = {},
): Record<string, { score: number; stderr: number | null; metric: string; filter: string }> {
  const out: Record<string, { score: number; stderr: number | null; metric: string; filter: string }> = {};
  for (const task of imported.tasks) {
    const m = primaryMetric(task, opts.prefer, opts.filter);
    if (m) out[task.task] = { score: m.value, stderr: m.stderr, metric: m.metric, filter: m.filter };
  }
  return out;
}
