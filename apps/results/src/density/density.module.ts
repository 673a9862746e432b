import { Module } from '@nestjs/common';
import { DensityReportsModule } from '@app/density-reports';
import { ReferenceFitsModule } from '@app/reference-fits';
import { BuiltinReferenceScheduler } from './builtin/builtin-reference.scheduler';
import { BuiltinReferenceService } from './builtin/builtin-reference.service';
import { BuildReportService } from './build-report.service';
import { DensityRequestsScheduler } from './density-requests.scheduler';
import { DensityStoreService } from './density-store.service';
import { FitReferenceService } from './fit-reference.service';
import { RecomputeDensitiesService } from './recompute-densities.service';
import { RunDensityService } from './run-density.service';
import { RunReportService } from './run-report.service';
import { SubjectScoresService } from './subject-scores.service';

/** Density figures in the results service: at run end, the recompute-densities job, reference fits, reports, the built-in reference. */
@Module({
  imports: [ReferenceFitsModule, DensityReportsModule],
  providers: [
    FitReferenceService, BuildReportService, DensityRequestsScheduler,
    SubjectScoresService, DensityStoreService, RunReportService, RunDensityService, RecomputeDensitiesService, BuiltinReferenceService, BuiltinReferenceScheduler,
  ],
  exports: [RunDensityService, RecomputeDensitiesService, BuiltinReferenceService, FitReferenceService, BuildReportService],
})
export class DensityModule {}
