import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Queue } from 'bullmq';
import { QueueName } from '@app/queue';
import { ArtifactStore } from '@app/storage';
import { OpenEndpoint } from '../auth/auth.decorators';

@ApiTags('health')
@OpenEndpoint('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectQueue(QueueName.Results) private readonly results: Queue,
    private readonly store: ArtifactStore,
  ) {}

  /** The process is up. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Postgres, Redis and S3 answer. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('db', { timeout: 2000 }),
      async () => {
        const i = this.indicators.check('redis');
        try {
          const client = await this.results.client;
          await (client as unknown as { ping(): Promise<string> }).ping();
          return i.up();
        } catch (err) {
          return i.down({ message: (err as Error).message });
        }
      },
      async () => {
        const i = this.indicators.check('s3');
        try {
          await this.store.ensureBucket();
          return i.up({ bucket: this.store.bucket });
        } catch (err) {
          return i.down({ message: (err as Error).message });
        }
      },
    ]);
  }
}
