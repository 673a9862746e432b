import type { OutputType } from '../types';

export interface MetricDef {
  outputTypes: readonly OutputType[];
  aggregation: string;
  higherIsBetter: boolean;
  /** Keyword arguments the metric accepts in metric_list. */
  kwargs: readonly string[];
}

const MC: readonly OutputType[] = ['multiple_choice'];

/** The metrics the engine computes itself, with lm-eval's default aggregation and direction. */
export const METRICS: Record<string, MetricDef> = {
  acc: { outputTypes: ['multiple_choice', 'loglikelihood'], aggregation: 'mean', higherIsBetter: true, kwargs: [] },
  acc_norm: { outputTypes: MC, aggregation: 'mean', higherIsBetter: true, kwargs: [] },
  acc_bytes: { outputTypes: MC, aggregation: 'mean', higherIsBetter: true, kwargs: [] },
  acc_mutual_info: { outputTypes: MC, aggregation: 'mean', higherIsBetter: true, kwargs: [] },
  brier_score: { outputTypes: MC, aggregation: 'brier_score', higherIsBetter: false, kwargs: [] },
  exact_match: {
    outputTypes: ['generate_until', 'multiple_choice'],
    aggregation: 'mean',
    higherIsBetter: true,
    kwargs: ['regexes_to_ignore', 'ignore_case', 'ignore_punctuation', 'ignore_numbers'],
  },
  perplexity: { outputTypes: ['loglikelihood'], aggregation: 'perplexity', higherIsBetter: false, kwargs: [] },
  word_perplexity: { outputTypes: ['loglikelihood_rolling'], aggregation: 'weighted_perplexity', higherIsBetter: false, kwargs: [] },
  byte_perplexity: { outputTypes: ['loglikelihood_rolling'], aggregation: 'weighted_perplexity', higherIsBetter: false, kwargs: [] },
  bits_per_byte: { outputTypes: ['loglikelihood_rolling'], aggregation: 'bits_per_byte', higherIsBetter: false, kwargs: [] },
  /** HumanEval style: reported as pass@<k> for each k (lm-eval humaneval utils.pass_at_k). */
  pass_at_k: { outputTypes: ['generate_until'], aggregation: 'mean', higherIsBetter: true, kwargs: ['k'] },
  /** MBPP style: reported as pass_at_1 (lm-eval mbpp utils.pass_at_1). */
  pass_at_1: { outputTypes: ['generate_until'], aggregation: 'mean', higherIsBetter: true, kwargs: [] },
};

/** lm-eval DEFAULT_METRIC_REGISTRY: the metrics of a task without metric_list. */
export const DEFAULT_METRICS: Record<OutputType, string[]> = {
  loglikelihood: ['perplexity', 'acc'],
  loglikelihood_rolling: ['word_perplexity', 'byte_perplexity', 'bits_per_byte'],
  multiple_choice: ['acc', 'acc_norm'],
  generate_until: ['exact_match'],
};

/** Metric keys in per-sample records: "<metric>" for the default filter "none", else "<metric>,<filter>". */
export const metricKey = (metric: string, filter: string): string => (filter === 'none' ? metric : `${metric},${filter}`);

export function splitMetricKey(key: string): { metric: string; filter: string } {
  const i = key.indexOf(',');
  return i < 0 ? { metric: key, filter: 'none' } : { metric: key.slice(0, i), filter: key.slice(i + 1) };
}

/** Weighted items (numerator, weight) are stored as two numbers: key and key + WEIGHT_SUFFIX. */
export const WEIGHT_SUFFIX = '__weight';
