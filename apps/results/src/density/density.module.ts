import { Module } from '@nestjs/common';
import { ReferenceFitsModule } from '@app/reference-fits';
import { BuiltinReferenceScheduler } from './builtin/builtin-reference.scheduler';
import { BuiltinReferenceService } from './builtin/builtin-reference.service';
import { DensityStoreService } from './density-store.service';
import { FitReferenceService } from './fit-reference.service';
import { RecomputeDensitiesService } from './recompute-densities.service';
import { RunDensityService } from './run-density.service';
import { RunReportService } from './run-report.service';
import { SubjectScoresService } from './subject-scores.service';

/** Density figures in the results service: at run end, the recompute-densities job, reference fits, the built-in reference. */
@Module({
  imports: [ReferenceFitsModule],
  providers: [
    FitReferenceService,
    SubjectScoresService, DensityStoreService, RunReportService, RunDensityService, RecomputeDensitiesService, BuiltinReferenceService, BuiltinReferenceScheduler,
  ],
  exports: [RunDensityService, RecomputeDensitiesService, BuiltinReferenceService, FitReferenceService],
})
export class DensityModule {}
