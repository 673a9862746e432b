import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Queue } from 'bullmq';
import { queueConfig } from '@app/config';
import { JobName, QueueName } from '@app/queue';

const RETENTION = { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } };

/**
 * The results queue's repeatable jobs: the lost-worker sweep and the queue reconciler, one each for the
 * whole fleet however many results replicas run (the scheduler id dedupes). A Redis that lost its data
 * lost them too: every replica checks every RECONCILE_EVERY_MS that they exist and puts back a missing one.
 */
@Injectable()
export class JobSchedules implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobSchedules.name);
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    @InjectQueue(QueueName.Results) private readonly queue: Queue,
    @Inject(queueConfig.KEY) private readonly cfg: ConfigType<typeof queueConfig>,
  ) {}

  private get schedules(): Array<{ id: string; every: number; name: JobName }> {
    return [
      { id: 'sweep-workers', every: 10_000, name: JobName.SweepWorkers },
      { id: 'reconcile-runs', every: this.cfg.reconcileEveryMs, name: JobName.ReconcileRuns },
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const s of this.schedules) await this.queue.upsertJobScheduler(s.id, { every: s.every }, { name: s.name, data: {}, opts: RETENTION });
    this.timer = setInterval(() => void this.restoreMissing(), this.cfg.reconcileEveryMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async restoreMissing(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      for (const s of this.schedules) {
        if (await this.queue.getJobScheduler(s.id)) continue;
        await this.queue.upsertJobScheduler(s.id, { every: s.every }, { name: s.name, data: {}, opts: RETENTION });
        this.logger.warn(`job scheduler ${s.id} was missing from Redis (its data lost?): restored`);
      }
    } catch (err) {
      this.logger.warn(`job schedulers not checked: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }
}
