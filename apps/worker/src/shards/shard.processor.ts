import { Injectable, Logger } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { DomainException, ErrorCode, ShardOutcome } from '@app/contracts';
import { JobName, JobPayloadMap } from '@app/queue';
import { AgentService } from '../agent/agent.service';
import { AgentState } from '../agent/agent-state';
import { RunShardHandler } from './run-shard.handler';

/** Dispatches shard-queue jobs to their handler and classifies failures for BullMQ. */
@Injectable()
export class ShardProcessor {
  private readonly logger = new Logger(ShardProcessor.name);
  private releasing = false;

  constructor(
    private readonly runShard: RunShardHandler,
    private readonly state: AgentState,
    private readonly agent: AgentService,
  ) {}

  /** From now on an aborted shard goes back to the queue instead of failing. */
  releaseAll(): void {
    this.releasing = true;
  }

  async process(job: Job, token?: string, signal?: AbortSignal): Promise<ShardOutcome | { cancelled: string }> {
    switch (job.name as JobName) {
      case JobName.RunShard:
        if (this.state.draining && token) {
          // Taken in the instant the worker was drained: give it straight back.
          await job.moveToDelayed(Date.now(), token);
          throw new DelayedError();
        }
        try {
          return await this.runShard.run(job.data as JobPayloadMap[JobName.RunShard], { job, signal });
        } catch (err) {
          const refused = err instanceof DomainException && err.code === ErrorCode.Forbidden;
          if (refused) this.agent.removedByOperator(err.message); // stops fetching before the job goes back
          if (token && (refused || (signal?.aborted && this.releasing))) {
            // Back to the queue at once, without counting an attempt: another worker takes it. The
            // shard is not at fault when this worker is leaving or no longer allowed to work.
            await job.moveToDelayed(Date.now(), token);
            this.logger.log(`shard ${job.data.shardId} released back to the queue`);
            throw new DelayedError();
          }
          this.logger.error(`shard ${job.data.shardId} (run ${job.data.runId}, attempt ${job.attemptsMade + 1}): ${(err as Error).message}`);
          if (err instanceof DomainException && !err.retryable) throw new UnrecoverableError(err.message);
          throw err instanceof Error ? err : new Error(String(err));
        }
      default:
        throw new UnrecoverableError(`unknown job ${job.name} on a shard queue`);
    }
  }
}
