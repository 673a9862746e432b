/** Splits documents [0, n) into consecutive shards of at most `size` documents. */
export function planShards(n: number, size: number): Array<{ start: number; end: number }> {
  if (!Number.isInteger(size) || size < 1) throw new Error(`shard size must be a positive integer, got ${size}`);
  const out: Array<{ start: number; end: number }> = [];
  for (let start = 0; start < n; start += size) out.push({ start, end: Math.min(n, start + size) });
  return out;
}

/**
 * Shard sizing when a run does not set one. A shard has a fixed cost besides its samples (its claim
 * and progress calls, two S3 objects, its share of an ingestion transaction, its BullMQ jobs: ~15-20 ms
 * of CPU over the services) and there should be enough shards to spread a benchmark over a fleet and
 * to retry cheaply.
 * - Model inference costs milliseconds to seconds a sample, so 100-document shards already hide the
 *   fixed cost; big benchmarks are cut into about `model.targetShards` shards of at most 1,000.
 * - A replay (re-scoring) costs ~0.1 ms a sample, so the fixed cost dominates unless shards hold
 *   thousands of samples: about `replay.targetShards` per benchmark, between 1,000 and 10,000.
 */
export const SHARD_SIZING = {
  model: { targetShards: 64, min: 100, max: 1_000 },
  replay: { targetShards: 16, min: 1_000, max: 10_000 },
} as const;

export function autoShardSize(docs: number, kind: keyof typeof SHARD_SIZING): number {
  const { targetShards, min, max } = SHARD_SIZING[kind];
  return Math.min(max, Math.max(min, Math.ceil(docs / targetShards)));
}
