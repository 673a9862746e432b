import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Queue } from 'bullmq';
import { redisConfig } from '@app/config';
import { shardQueueName } from './queue-names';
import { redisOptionsFromUrl } from './redis-connection';

/** Producer-side handles on the shard queues, one per pool × backend (created on first use, closed at shutdown). */
@Injectable()
export class PoolQueues implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue>();

  constructor(@Inject(redisConfig.KEY) private readonly redis: ConfigType<typeof redisConfig>) {}

  get(pool: string, backend: string): Queue {
    const name = shardQueueName(pool, backend);
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: redisOptionsFromUrl(this.redis.url), prefix: this.redis.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
