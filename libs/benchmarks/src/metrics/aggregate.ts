import { PyRandom } from '../python/random';

export interface Aggregate {
  value: number;
  stderr: number | null;
  n: number;
}

/** lm-eval `mean`: sum(arr) / len(arr), summed left to right. */
export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** lm-eval sample_stddev: sqrt(Σ(x − μ)² / (n − 1)). */
export function sampleStddev(xs: readonly number[]): number {
  const mu = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - mu) ** 2, 0) / (xs.length - 1));
}

/** lm-eval mean_stderr: sample_stddev / sqrt(n). */
export const meanStderr = (xs: readonly number[]): number => sampleStddev(xs) / Math.sqrt(xs.length);

/** Mean with lm-evaluation-harness's stderr: sample standard deviation (n − 1) / √n. */
export function meanWithStderr(values: readonly number[]): Aggregate {
  const n = values.length;
  if (n === 0) return { value: NaN, stderr: null, n: 0 };
  const value = mean(values);
  if (n < 2) return { value, stderr: null, n };
  return { value, stderr: meanStderr(values), n };
}

const weightedMean = (items: ReadonlyArray<readonly [number, number]>): number =>
  items.reduce((a, [x]) => a + x, 0) / items.reduce((a, [, w]) => a + w, 0);

export type AggregationItem = number | readonly [number, number];

export interface AggregationDef {
  fn: (items: readonly AggregationItem[]) => number;
  /** 'mean' → closed-form stderr; 'bootstrap' → seeded bootstrap; null → "N/A" as in lm-eval. */
  stderr: 'mean' | 'bootstrap' | null;
  weighted: boolean;
}

const scalars = (items: readonly AggregationItem[]) => items as readonly number[];
const pairs = (items: readonly AggregationItem[]) => items as ReadonlyArray<readonly [number, number]>;

/** lm-eval's registered aggregations (api/metrics.py) and which stderr stderr_for_metric gives them. */
export const AGGREGATIONS: Record<string, AggregationDef> = {
  mean: { fn: (xs) => mean(scalars(xs)), stderr: 'mean', weighted: false },
  median: { fn: (xs) => scalars(xs)[Math.floor(xs.length / 2)], stderr: 'bootstrap', weighted: false },
  nanmean: {
    fn: (xs) => {
      const v = scalars(xs).filter((x) => !Number.isNaN(x));
      return v.length ? mean(v) : NaN;
    },
    stderr: 'bootstrap',
    weighted: false,
  },
  perplexity: { fn: (xs) => Math.exp(-mean(scalars(xs))), stderr: 'bootstrap', weighted: false },
  weighted_perplexity: { fn: (xs) => Math.exp(-weightedMean(pairs(xs))), stderr: null, weighted: true },
  bits_per_byte: { fn: (xs) => -weightedMean(pairs(xs)) / Math.log(2), stderr: null, weighted: true },
  brier_score: { fn: (xs) => mean(scalars(xs)), stderr: null, weighted: false },
};

/**
 * lm-eval bootstrap_stderr: `iters // 1000` chunks (chunk = min(1000, iters)), chunk i resamples
 * with Random(i).choices(xs, k=len(xs)) and applies f; the result is the sample stddev of all
 * replicates. Reproduces lm-eval's numbers exactly (same Mersenne Twister draws).
 */
export function bootstrapStderr(f: (xs: readonly AggregationItem[]) => number, xs: readonly AggregationItem[], iters: number): number {
  const chunk = Math.min(1000, iters);
  const res: number[] = [];
  for (let i = 0; i < Math.floor(iters / chunk); i++) {
    const rnd = new PyRandom(i);
    for (let j = 0; j < chunk; j++) res.push(f(rnd.choices(xs, xs.length)));
  }
  return sampleStddev(res);
}

/** Aggregates one metric's per-sample items with its stderr as lm-eval reports them. */
export function aggregateItems(aggregation: string, items: readonly AggregationItem[], bootstrapIters = 100000): Aggregate {
  const def = AGGREGATIONS[aggregation];
  if (!def) throw new Error(`unknown aggregation "${aggregation}" (known: ${Object.keys(AGGREGATIONS).join(', ')})`);
  const n = items.length;
  if (n === 0) return { value: NaN, stderr: null, n: 0 };
  const value = def.fn(items);
  let stderr: number | null = null;
  if (n > 1 && bootstrapIters > 0) {
    if (def.stderr === 'mean') stderr = meanStderr(scalars(items));
    else if (def.stderr === 'bootstrap') stderr = bootstrapStderr(def.fn, items, bootstrapIters);
  }
  return { value, stderr, n };
}

/**
 * lm-eval pooled_sample_stderr (groups): sqrt(Σ (n_i − 1)·se_i²·n_i / (Σ n_i − k) / Σ n_i).
 */
export function pooledSampleStderr(stderrs: readonly number[], sizes: readonly number[]): number {
  const total = sizes.reduce((a, b) => a + b, 0);
  const pooledVar = sizes.reduce((a, n, i) => a + (n - 1) * stderrs[i] ** 2 * n, 0) / (total - sizes.length);
  return Math.sqrt(pooledVar / total);
}

/** lm-eval aggregate_subtask_metrics: size-weighted mean (micro) or plain mean of subtask scores (macro). */
export function aggregateSubtaskMetrics(metrics: readonly number[], sizes: readonly number[], weightBySize = true): number {
  const w = weightBySize ? sizes : sizes.map(() => 1);
  return metrics.reduce((a, m, i) => a + m * w[i], 0) / w.reduce((a, b) => a + b, 0);
}
