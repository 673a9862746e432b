import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { apiConfig } from '@app/config';
import { WorkersRepository } from '@app/database';

/**
 * Marks workers that stopped heartbeating as lost and puts their running shards back to pending
 * (BullMQ's stalled-job check returns the jobs themselves to the queue). Not within WORKER_LOST_AFTER_MS
 * of Postgres' start: heartbeats could not be recorded while it was down, and a restart must not mark
 * the whole fleet lost.
 */
@Injectable()
export class SweepWorkersService {
  private readonly logger = new Logger(SweepWorkersService.name);

  constructor(
    private readonly workers: WorkersRepository,
    @Inject(apiConfig.KEY) private readonly cfg: ConfigType<typeof apiConfig>,
  ) {}

  async sweep(): Promise<{ lost: string[] }> {
    const lost = await this.workers.markLost(this.cfg.workerLostAfterMs);
    if (lost.length) this.logger.warn(`workers lost (no heartbeat for ${this.cfg.workerLostAfterMs} ms): ${lost.join(', ')}`);
    return { lost };
  }
}
