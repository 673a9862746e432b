import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobName, QueueName } from '@app/queue';

/** One repeatable sweep for the whole fleet, however many results replicas run (the scheduler id dedupes). */
@Injectable()
export class SweepScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QueueName.Results) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'sweep-workers',
      { every: 10_000 },
      { name: JobName.SweepWorkers, data: {}, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } } },
    );
  }
}
