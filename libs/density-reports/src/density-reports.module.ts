import { Module } from '@nestjs/common';
import { ChartRendererService } from './chart-renderer.service';
import { LeaderboardReader } from './leaderboard-reader';
import { ReportBuilder } from './report-builder.service';

/**
 * The density leaderboard, trend and reports from what Postgres holds, shared by the API (GET leaderboard, trend,
 * charts) and the results service (the build-density-report job). Needs the global database module and the
 * ArtifactStore (StorageModule).
 */
@Module({
  providers: [LeaderboardReader, ChartRendererService, ReportBuilder],
  exports: [LeaderboardReader, ChartRendererService, ReportBuilder],
})
export class DensityReportsModule {}
