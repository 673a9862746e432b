import type { RecordedResponse } from './request-key';

/**
 * The format of the per-sample records this code writes. Version 1 is every record written before records
 * carried a version (`responses` present or not); 2 adds schema_version itself. Readers take any version up to
 * this one and refuse a newer record rather than misread it.
 */
export const SAMPLE_RECORD_SCHEMA_VERSION = 2;
/** The version of a record without schema_version. */
export const UNVERSIONED_SAMPLE_RECORD_VERSION = 1;

/**
 * One line of a shard's per-sample artifact (runs/<run>/samples/<benchmark>/<shard>.jsonl.gz).
 * The union of lm-evaluation-harness's --log_samples fields with token and timing accounting.
 */
export interface SampleRecord {
  /** SAMPLE_RECORD_SCHEMA_VERSION when written; absent from version 1 records. */
  schema_version?: number;
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

/**
 * Why this code cannot read a record of its schema version (a newer densebench wrote it, or the field is not a
 * version at all); null when it can.
 */
export function unreadableSampleRecordVersion(r: { schema_version?: unknown }): string | null {
  const v = r.schema_version === undefined ? UNVERSIONED_SAMPLE_RECORD_VERSION : r.schema_version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return `schema_version ${JSON.stringify(v)} is not a positive integer`;
  if (v > SAMPLE_RECORD_SCHEMA_VERSION) {
    return `schema_version ${v} is newer than this densebench reads (up to ${SAMPLE_RECORD_SCHEMA_VERSION}): read it with the densebench version that wrote it, or a later one`;
  }
  return null;
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
