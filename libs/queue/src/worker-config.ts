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

export const RESULTS_WORKER_CONFIG: QueueWorkerConfig = {
  concurrency: 4,
  lockDuration: 60_000,
  stalledInterval: 30_000,
  maxStalledCount: 1,
  shutdownTimeoutMs: 20_000,
};
