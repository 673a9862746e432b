import { InjectFlowProducer } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FlowProducer } from 'bullmq';
import { queueConfig } from '@app/config';
import { JobName, jobIds, PoolQueues, QueueName, RUN_FLOW_PRODUCER, resultsJobOptions, shardJobOptions, shardQueueName } from '@app/queue';

/**
 * Enqueues a run as one BullMQ flow: a finalize-run parent on the results queue whose children are
 * the run's shard jobs on the pool's queue. The parent runs once every shard has ended.
 */
@Injectable()
export class RunQueueService {
  constructor(
    @InjectFlowProducer(RUN_FLOW_PRODUCER) private readonly flows: FlowProducer,
    @Inject(queueConfig.KEY) private readonly cfg: ConfigType<typeof queueConfig>,
    private readonly pools: PoolQueues,
  ) {}

  /**
   * Removes a cancelled run's shard jobs that no worker has taken yet. BullMQ detaches a removed child
   * from its parent, so the run's finalize job still runs once the active shards stop.
   */
  async removePending(pool: string, backend: string, shardIds: string[]): Promise<number> {
    const queue = this.pools.get(pool, backend);
    let removed = 0;
    for (const id of shardIds) {
      const job = await queue.getJob(jobIds.shard(id));
      if (!job) continue;
      const state = await job.getState();
      if (state === 'waiting' || state === 'prioritized' || state === 'delayed') {
        await job.remove();
        removed++;
      }
    }
    return removed;
  }

  async enqueueRun(run: { id: string; pool: string; priority: number }, backend: string, shardIds: string[]): Promise<void> {
    const shardOpts = shardJobOptions(this.cfg);
    // BullMQ: 1 is the highest priority; our API: 100 is the highest.
    const priority = 101 - run.priority;
    await this.flows.add({
      name: JobName.FinalizeRun,
      queueName: QueueName.Results,
      data: { runId: run.id },
      opts: { ...resultsJobOptions, jobId: jobIds.finalize(run.id) },
      children: shardIds.map((shardId) => ({
        name: JobName.RunShard,
        queueName: shardQueueName(run.pool, backend),
        data: { runId: run.id, shardId },
        opts: { ...shardOpts, jobId: jobIds.shard(shardId), priority },
      })),
    });
  }
}
