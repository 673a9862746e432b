import { FlowJob, JobsOptions } from 'bullmq';
import { QueueConfig } from '@app/config';
import { JobName, jobIds } from './job-names';
import { resultsJobOptions, shardJobOptions } from './job-policies';
import { QueueName, shardQueueName } from './queue-names';

/** What the queue needs of a run: its id, the pool and priority it was submitted with, its shards' backend kind. */
export interface QueuedRun {
  id: string;
  pool: string;
  priority: number;
  backend: string;
}

/** One shard's job: deterministic id (a second add of it is a no-op), the run's priority (API 100 = BullMQ 1, the highest). */
export function shardJob(run: QueuedRun, shardId: string, cfg: QueueConfig): { name: JobName.RunShard; queueName: string; data: { runId: string; shardId: string }; opts: JobsOptions } {
  return {
    name: JobName.RunShard,
    queueName: shardQueueName(run.pool, run.backend),
    data: { runId: run.id, shardId },
    opts: { ...shardJobOptions(cfg), jobId: jobIds.shard(shardId), priority: 101 - run.priority },
  };
}

/**
 * A run as one BullMQ flow: a finalize-run parent on the results queue whose children are the shard
 * jobs on the pool's queue; the parent runs once every child has ended. The API enqueues it at
 * submission; the reconciler rebuilds it from Postgres (the same ids) when Redis lost it.
 */
export function runFlow(run: QueuedRun, shardIds: string[], cfg: QueueConfig): FlowJob {
  return {
    name: JobName.FinalizeRun,
    queueName: QueueName.Results,
    data: { runId: run.id },
    opts: { ...resultsJobOptions, jobId: jobIds.finalize(run.id) },
    children: shardIds.map((id) => shardJob(run, id, cfg)),
  };
}
