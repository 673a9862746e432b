import { Module } from '@nestjs/common';
import { RunDensityViewService } from './run-density-view.service';

/** Read side of a run's density figures, for the runs feature (GET /v1/runs/:id shows them as `density`). */
@Module({
  providers: [RunDensityViewService],
  exports: [RunDensityViewService],
})
export class RunDensityModule {}
