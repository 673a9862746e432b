import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { BenchmarksModule } from '@app/benchmarks';
import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { QueueModule } from '@app/queue';
import { StorageModule } from '@app/storage';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { AuthModule } from './auth/auth.module';
import { BenchmarksApiModule } from './benchmarks/benchmarks.module';
import { DomainExceptionFilter } from './common/domain-exception.filter';
import { DensityModule } from './density/density.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { ModelsModule } from './models/models.module';
import { RunsModule } from './runs/runs.module';
import { WorkersModule } from './workers/workers.module';

@Module({
  imports: [
    AppConfigModule.forRoot(),
    DatabaseModule,
    QueueModule.forRoot(),
    StorageModule,
    AuthModule,
    BenchmarksModule,
    BenchmarksApiModule,
    ModelsModule,
    RunsModule,
    WorkersModule,
    ArtifactsModule,
    DensityModule,
    HealthModule,
    MetricsModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: DomainExceptionFilter }],
})
export class AppModule {}
