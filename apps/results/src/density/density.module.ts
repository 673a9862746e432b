import { Module } from '@nestjs/common';
import { DensityStoreService } from './density-store.service';
import { RecomputeDensitiesService } from './recompute-densities.service';
import { RunDensityService } from './run-density.service';
import { RunReportService } from './run-report.service';
import { SubjectScoresService } from './subject-scores.service';

/** Density figures in the results service: at run end, and the recompute-densities job. */
@Module({
  providers: [SubjectScoresService, DensityStoreService, RunReportService, RunDensityService, RecomputeDensitiesService],
  exports: [RunDensityService, RecomputeDensitiesService],
})
export class DensityModule {}
