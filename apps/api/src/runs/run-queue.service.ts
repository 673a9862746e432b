import { InjectFlowProducer } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FlowProducer } from 'bullmq';
import { queueConfig } from '@app/config';
import { jobIds, PoolQueues, RUN_FLOW_PRODUCER, runFlow } from '@app/queue';

/** How long a submission waits for Redis before answering; the reconciler enqueues what it could not. */
const ENQUEUE_TIMEOUT_MS = 3_000;

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

  /**
   * Adds the run's flow. Redis commands wait for a connection (BullMQ's clients retry forever): when
   * Redis does not answer within ENQUEUE_TIMEOUT_MS this rejects, and the add either lands once Redis is
   * back or the reconciler adds the same flow (the same job ids) from Postgres.
   */
  async enqueueRun(run: { id: string; pool: string; priority: number }, backend: string, shardIds: string[]): Promise<void> {
    const adding = this.flows.add(runFlow({ ...run, backend }, shardIds, this.cfg));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
    });
    adding.catch(() => undefined);
    try {
      await Promise.race([adding, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
