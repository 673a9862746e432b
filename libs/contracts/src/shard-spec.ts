import { BackendSpec } from './backend-spec';

/** What a worker needs to run one shard; fetched from the API by shard id (job payloads carry ids only). */
export interface ShardSpec {
  shardId: string;
  runId: string;
  shardIndex: number;
  benchmark: string;
  /** Half-open range [docStart, docEnd) of document indices of the benchmark's evaluation split. */
  docStart: number;
  docEnd: number;
  numFewshot: number | null;
  seed: number;
  artifactKey: string;
  model: {
    id: string;
    name: string;
    backend: BackendSpec;
  };
  runStatus: string;
  /** The lm-evaluation-harness style YAML of a task registered through the API (null for built-ins). */
  taskYaml: string | null;
}

/** Summary a worker returns when a shard's artifact is written. */
export interface ShardOutcome {
  shardId: string;
  artifactKey: string;
  samples: number;
  skipped: boolean;
}
