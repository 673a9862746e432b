import { QueueConfig } from '@app/config';

export interface QueueWorkerConfig {
  concurrency: number;
  lockDuration: number;
  stalledInterval: number;
  maxStalledCount: number;
  shutdownTimeoutMs: number;
}

/**
 * Worker settings per kind of queue. Shard jobs run model inference for minutes: their lock is renewed
 * by the worker while it is alive; a worker that dies stops renewing, and after lockDuration another
 * worker's stalled check moves the shard back to the queue.
 */
export function shardWorkerConfig(cfg: QueueConfig, concurrency: number): QueueWorkerConfig {
  return {
    concurrency,
    lockDuration: cfg.shardLockDurationMs,
    stalledInterval: cfg.shardStalledIntervalMs,
    maxStalledCount: cfg.shardMaxStalledCount,
    shutdownTimeoutMs: cfg.shutdownTimeoutMs,
  };
}

/**
 * Ingest jobs of the results queue are grouped into transactions (apps/results IngestBatcher): at most
 * `lanes` at once, each of up to `maxShards` shards. A job waits in the batcher while its lane is busy,
 * so batches only form when that many jobs are active at once: hence the results worker's concurrency.
 */
export const RESULTS_INGEST_BATCH = { lanes: 2, maxShards: 32 };

/**
 * The results queue's other jobs (finalize-run, sweep-workers, recompute-densities) keep the
 * concurrency the whole queue had before ingest batching: finalizing aggregates whole runs, and many at
 * once would only compete for the database pool. A finalize ingests its run's remaining shards itself,
 * one per transaction, waiting on each shard's row lock, so it never waits for an ingest job.
 */
export const RESULTS_OTHER_JOBS_CONCURRENCY = 4;

export const RESULTS_WORKER_CONFIG: QueueWorkerConfig = {
  concurrency: RESULTS_INGEST_BATCH.lanes * RESULTS_INGEST_BATCH.maxShards,
  lockDuration: 60_000,
  stalledInterval: 30_000,
  maxStalledCount: 1,
  shutdownTimeoutMs: 20_000,
};
