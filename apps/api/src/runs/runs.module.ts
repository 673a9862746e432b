import { Module } from '@nestjs/common';
import { BenchmarksApiModule } from '../benchmarks/benchmarks.module';
import { RunDensityModule } from '../density/run-density/run-density.module';
import { ModelsModule } from '../models/models.module';
import { WorkersModule } from '../workers/workers.module';
import { RunStreamService } from './events/run-stream.service';
import { RunQueueService } from './run-queue.service';
import { RunSamplesService } from './samples/run-samples.service';
import { RunViewService } from './run-view.service';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';
import { ShardsController } from './shards.controller';
import { ShardsService } from './shards.service';

@Module({
  imports: [ModelsModule, WorkersModule, RunDensityModule, BenchmarksApiModule],
  controllers: [RunsController, ShardsController],
  providers: [RunsService, RunViewService, RunQueueService, ShardsService, RunSamplesService, RunStreamService],
  exports: [RunsService],
})
export class RunsModule {}
