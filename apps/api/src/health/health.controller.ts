import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ schema: { type: 'object', example: { status: 'ok' } } })
  @ApiOperation({ summary: 'Liveness: the process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Postgres, Redis and S3 answer (503 while one does not: the service recovers by itself when it is back). */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: Postgres, Redis and S3 answer' })
  ready() {
    return this.health.check([
      () => this.db.pingCheck('db', { timeout: 2000 }),
      async () => {
        const i = this.indicators.check('redis');
        try {
          // BullMQ's connection waits for Redis without limit: the probe answers within 2 s.
          await withTimeout(this.results.client.then((c) => (c as unknown as { ping(): Promise<string> }).ping()), 2_000, 'Redis did not answer within 2000 ms');
          return i.up();
        } catch (err) {
          return i.down({ message: (err as Error).message });
        }
      },
      async () => {
        const i = this.indicators.check('s3');
        try {
          await withTimeout(this.store.ensureBucket(), 2_000, 'S3 did not answer within 2000 ms');
          return i.up({ bucket: this.store.bucket });
        } catch (err) {
          return i.down({ message: (err as Error).message });
        }
      },
    ]);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => undefined);
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}
