import { Module } from '@nestjs/common';
import { DensityJobsService } from './density-jobs.service';
import { FitDataService } from './fit-data.service';
import { FitVersionWriter } from './fit-version-writer.service';

/**
 * Fitting reference families from what Postgres holds, shared by the API (POST …/fit) and the results service
 * (calibrations): collecting the data points, storing a fit version, enqueueing the densities' recompute.
 * Needs the global TypeORM data source and the results queue (QueueModule).
 */
@Module({
  providers: [FitDataService, FitVersionWriter, DensityJobsService],
  exports: [FitDataService, FitVersionWriter, DensityJobsService],
})
export class ReferenceFitsModule {}
