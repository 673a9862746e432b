import { JobsOptions } from 'bullmq';
import { QueueConfig } from '@app/config';

/** Retention: keep enough finished jobs to inspect, never grow without bound; keep failures longer. */
const RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 50_000 },
};

export function shardJobOptions(cfg: QueueConfig): JobsOptions {
  return {
    attempts: cfg.shardAttempts,
    backoff: { type: 'exponential', delay: cfg.shardBackoffMs, jitter: 0.5 },
    // The run's finalize job must still run (and report the failure) when a shard fails for good.
    ignoreDependencyOnFailure: true,
    ...RETENTION,
  };
}

export const resultsJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
  ...RETENTION,
};
