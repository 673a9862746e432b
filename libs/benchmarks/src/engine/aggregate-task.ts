import type { SampleRecord } from '@app/contracts';
import { aggregateItems, aggregateSubtaskMetrics, AggregationItem, AGGREGATIONS, pooledSampleStderr } from '../metrics/aggregate';
import { metricKey, splitMetricKey, WEIGHT_SUFFIX } from '../metrics/metric-defs';
import type { GroupDefinition, MetricSpec, TaskDefinition } from '../types';

export interface AggregatedMetric {
  metric: string;
  filter: string;
  value: number;
  /** null where lm-eval reports "N/A" (weighted perplexities, bits per byte, n < 2). */
  stderr: number | null;
  /** Number of samples (for groups: the sum over subtasks). */
  n: number;
  aggregation: string;
  higherIsBetter: boolean;
}

/** Metric key ("acc", "exact_match,strict-match") → aggregate. */
export type TaskResults = Record<string, AggregatedMetric>;

export interface AggregateOptions {
  /** lm-eval's --bootstrap_iters (default 100000) for bootstrapped stderrs (perplexity, median). */
  bootstrapIters?: number;
}

/** The metric spec a key belongs to (pass@<k> comes from pass_at_k). */
function specFor(task: TaskDefinition, metric: string): MetricSpec | undefined {
  return task.metrics.find((m) => m.metric === metric) ?? (metric.startsWith('pass@') ? task.metrics.find((m) => m.metric === 'pass_at_k') : undefined);
}

/** Per-metric items from records: numbers, or (value, weight) pairs for weighted aggregations. */
export function collectItems(records: readonly Pick<SampleRecord, 'metrics'>[]): Record<string, AggregationItem[]> {
  const items: Record<string, AggregationItem[]> = {};
  for (const r of records) {
    for (const [k, v] of Object.entries(r.metrics)) {
      if (k.endsWith(WEIGHT_SUFFIX)) continue;
      const w = r.metrics[k + WEIGHT_SUFFIX];
      (items[k] ??= []).push(w === undefined ? v : [v, w]);
    }
  }
  return items;
}

/**
 * Aggregates a task's per-sample metrics as lm-eval's TaskOutput.calculate_aggregate_metric does:
 * the metric's aggregation (mean, perplexity, weighted_perplexity, bits_per_byte, …) and its stderr
 * (mean → sample std / √n; perplexity, median → seeded bootstrap; weighted ones → none).
 * Input: the shard records, or already collected items per metric key.
 */
export function aggregateTask(task: TaskDefinition, input: readonly Pick<SampleRecord, 'metrics'>[] | Record<string, AggregationItem[]>, opts: AggregateOptions = {}): TaskResults {
  const items = Array.isArray(input) ? collectItems(input) : (input as Record<string, AggregationItem[]>);
  const out: TaskResults = {};
  for (const [key, xs] of Object.entries(items)) {
    const { metric, filter } = splitMetricKey(key);
    const spec = specFor(task, metric);
    const aggregation = spec?.aggregation ?? (xs.some((x) => Array.isArray(x)) ? 'weighted_perplexity' : 'mean');
    if (!AGGREGATIONS[aggregation]) continue;
    const a = aggregateItems(aggregation, xs, opts.bootstrapIters ?? 100000);
    out[key] = { metric, filter, value: a.value, stderr: a.stderr, n: a.n, aggregation, higherIsBetter: spec?.higherIsBetter ?? true };
  }
  return out;
}

/**
 * lm-eval consolidate_group_results for one group: for each aggregate metric (and filter), the
 * size-weighted (weight_by_size) or plain mean of the children's values, the pooled stderr
 * (N/A if any child's is), and n = Σ children's n. Children are the group's direct tasks/groups.
 */
export function aggregateGroup(group: GroupDefinition, children: Record<string, TaskResults>): TaskResults {
  const out: TaskResults = {};
  for (const agg of group.aggregate) {
    for (const filter of agg.filters) {
      const key = metricKey(agg.metric, filter);
      const rows = group.tasks.map((t) => children[t]?.[key]).filter((r): r is AggregatedMetric => !!r);
      if (rows.length === 0) continue;
      const sizes = rows.map((r) => r.n);
      const value = aggregateSubtaskMetrics(rows.map((r) => r.value), sizes, agg.weightBySize);
      const stderr = rows.some((r) => r.stderr === null) ? null : pooledSampleStderr(rows.map((r) => r.stderr as number), sizes);
      out[key] = { metric: agg.metric, filter, value, stderr, n: sizes.reduce((a, b) => a + b, 0), aggregation: 'mean', higherIsBetter: rows[0].higherIsBetter };
    }
  }
  return out;
}

/**
 * Aggregates a group tree bottom-up (mmlu → mmlu_stem … → subjects) from leaf task results.
 * `resolve` gives the group definition of a name, or null for a task.
 */
export function aggregateGroupTree(name: string, resolve: (name: string) => GroupDefinition | null, leaves: Record<string, TaskResults>): Record<string, TaskResults> {
  const results: Record<string, TaskResults> = { ...leaves };
  const visit = (n: string): TaskResults | undefined => {
    if (results[n]) return results[n];
    const g = resolve(n);
    if (!g) return undefined;
    const children: Record<string, TaskResults> = {};
    for (const t of g.tasks) {
      const r = visit(t);
      if (r) children[t] = r;
    }
    results[n] = aggregateGroup(g, children);
    return results[n];
  };
  visit(name);
  return results;
}
