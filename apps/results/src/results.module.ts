import { Module } from '@nestjs/common';
import { BenchmarksModule } from '@app/benchmarks';
import { AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { QueueModule, RESULTS_INGEST_BATCH } from '@app/queue';
import { StorageModule } from '@app/storage';
import { CalibrationsModule } from './calibrations/calibrations.module';
import { DensityModule } from './density/density.module';
import { FinalizeRunService } from './finalize/finalize-run.service';
import { RunMetricsService } from './finalize/run-metrics.service';
import { IngestBatcher } from './ingest/ingest-batcher';
import { IngestShardService } from './ingest/ingest-shard.service';
import { JobSchedules } from './reconcile/job-schedules';
import { ReconcileRunsService } from './reconcile/reconcile-runs.service';
import { ResultsProcessor } from './results.processor';
import { SweepWorkersService } from './sweep/sweep-workers.service';

@Module({
  imports: [AppConfigModule.forRoot(), DatabaseModule, QueueModule.forRoot(), StorageModule, BenchmarksModule, DensityModule, CalibrationsModule],
  providers: [
    ResultsProcessor,
    IngestShardService,
    {
      provide: IngestBatcher,
      inject: [IngestShardService],
      useFactory: (ingest: IngestShardService) => new IngestBatcher((ids) => ingest.ingestMany(ids), RESULTS_INGEST_BATCH),
    },
    FinalizeRunService,
    RunMetricsService,
    SweepWorkersService,
    JobSchedules,
    ReconcileRunsService,
  ],
})
export class ResultsModule {}
