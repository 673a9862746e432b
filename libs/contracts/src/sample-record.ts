import type { RecordedResponse } from './request-key';

/**
 * One line of a shard's per-sample artifact (runs/<run>/samples/<benchmark>/<shard>.jsonl.gz).
 * The union of lm-evaluation-harness's --log_samples fields with token and timing accounting.
 */
export interface SampleRecord {
  doc_id: number;
  benchmark: string;
  doc_hash: string;
  prompt_hash: string;
  target_hash: string;
  /** The request arguments: e.g. [[context, continuation], …] for log-likelihood requests. */
  arguments: unknown[];
  target: string | number | number[];
  /** Raw responses: e.g. [[logprob, isGreedy], …] per request. */
  resps: unknown[];
  filtered_resps: unknown[];
  /** Metric name (lm-eval style, e.g. "acc", "acc_norm") → per-sample value. */
  metrics: Record<string, number>;
  /** Conditional loss of the gold answer given the prompt (the density estimation's input). */
  loss?: { nll: number; tokens: number; bytes: number };
  tokens: { input: number; output: number };
  timing: { latency_ms: number; ttft_ms?: number; tpot_ms?: number };
  error?: string;
  /**
   * Every backend answer of this sample in request order — including the conditional-loss request of
   * generate_until tasks, which `arguments`/`resps` leave out — keyed by requestKey(). The replay
   * backend serves these when a run is re-scored; `response.cached` marks request-cache hits.
   * Absent from records written before densebench stored it.
   */
  responses?: RecordedResponse[];
}

/** S3 object metadata written with every samples artifact; a shard is done iff its artifact validates. */
export interface SampleArtifactMeta {
  'run-id': string;
  'shard-id': string;
  benchmark: string;
  /** Number of JSONL lines (one per sample). */
  samples: string;
  'worker-id': string;
}
