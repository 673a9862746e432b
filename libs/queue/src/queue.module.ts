import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { redisConfig } from '@app/config';
import { PoolQueues } from './pool-queues';
import { QueueName } from './queue-names';
import { redisOptionsFromUrl } from './redis-connection';
import { RowsHandoff } from './rows-handoff';
import { RunEvents } from './run-events';

export const RUN_FLOW_PRODUCER = 'runs';

/** BullMQ on Redis: the shared connection, the results queue, the flow producer for runs, the rows handoff and run events. */
@Module({})
export class QueueModule {
  static forRoot(): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [redisConfig.KEY],
          useFactory: (redis: ConfigType<typeof redisConfig>) => ({
            connection: redisOptionsFromUrl(redis.url),
            prefix: redis.prefix,
          }),
        }),
        BullModule.registerQueue({ name: QueueName.Results }),
        BullModule.registerFlowProducer({ name: RUN_FLOW_PRODUCER }),
      ],
      providers: [PoolQueues, RowsHandoff, RunEvents],
      exports: [BullModule, PoolQueues, RowsHandoff, RunEvents],
    };
  }
}
