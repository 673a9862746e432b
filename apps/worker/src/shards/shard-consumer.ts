import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Job, Worker } from 'bullmq';
import { queueConfig, redisConfig, workerConfig } from '@app/config';
import { BackendKind } from '@app/contracts';
import { JobName, JobPayloadMap, redisOptionsFromUrl, shardQueueName, shardWorkerConfig } from '@app/queue';
import { AgentService } from '../agent/agent.service';
import { ShardProcessor } from './shard.processor';

/** Replay shards a worker runs at once (at least; WORKER_CONCURRENCY when higher). */
const REPLAY_CONCURRENCY = 4;

/**
 * One BullMQ worker per pool × backend this machine serves. Those queues are named at run time (shards-<pool>.<backend>),
 * so the workers are created here rather than with a static @Processor decorator; the processing
 * itself stays in ShardProcessor.
 */
@Injectable()
export class ShardConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ShardConsumer.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly processor: ShardProcessor,
    private readonly agent: AgentService,
    @Inject(workerConfig.KEY) private readonly worker: ConfigType<typeof workerConfig>,
    @Inject(queueConfig.KEY) private readonly queue: ConfigType<typeof queueConfig>,
    @Inject(redisConfig.KEY) private readonly redis: ConfigType<typeof redisConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Take jobs only once the agent is registered (it holds the credential the API asks for).
    await this.agent.registered;
    const queues = this.worker.pools.flatMap((pool) => this.worker.backends.map((backend) => ({ name: shardQueueName(pool, backend), backend })));
    for (const { name, backend } of queues) {
      // Replay shards load no model and use no accelerator: several at once overlap their API, S3 and
      // Redis round trips instead of waiting on each in turn.
      const concurrency = backend === BackendKind.Replay ? Math.max(this.worker.concurrency, REPLAY_CONCURRENCY) : this.worker.concurrency;
      const opts = shardWorkerConfig(this.queue, concurrency);
      const w = new Worker<JobPayloadMap[JobName.RunShard]>(
        name,
        (job: Job, token?: string, signal?: AbortSignal) => this.processor.process(job, token, signal),
        {
          connection: redisOptionsFromUrl(this.redis.url),
          prefix: this.redis.prefix,
          concurrency: opts.concurrency,
          lockDuration: opts.lockDuration,
          stalledInterval: opts.stalledInterval,
          maxStalledCount: opts.maxStalledCount,
        },
      );
      w.on('failed', (job, err) =>
        this.logger.warn(`shard job ${job?.id} failed (attempt ${job?.attemptsMade}, run ${job?.data.runId}): ${err.message}`),
      );
      w.on('stalled', (jobId) => this.logger.warn(`shard job ${jobId} stalled (its worker stopped renewing the lock)`));
      w.on('error', (err) => this.logger.error(`queue ${name}: ${err.message}`));
      this.workers.push(w);
      this.logger.log(`consuming ${name} (concurrency ${opts.concurrency}, lock ${opts.lockDuration} ms)`);
    }
    // Drained: stop fetching at once. close() also interrupts a blocking fetch, which pause() would let
    // take one more job; running shards finish.
    this.agent.whenDrained(() => void Promise.all(this.workers.map((w) => w.close())));
  }

  /**
   * Graceful shutdown: stop taking jobs, give running shards a bounded time to finish, then abort
   * them; an aborted shard is released back to its queue without using up an attempt.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const timeoutMs = shardWorkerConfig(this.queue, 1).shutdownTimeoutMs;
    const closing = Promise.all(this.workers.map((w) => w.close()));
    const timer = setTimeout(() => {
      this.logger.warn(`shards still running after ${timeoutMs} ms: releasing them to the queue`);
      this.processor.releaseAll();
      for (const w of this.workers) w.cancelAllJobs('worker shutting down');
    }, timeoutMs);
    await closing;
    clearTimeout(timer);
  }
}
