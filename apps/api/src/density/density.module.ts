import { Module } from '@nestjs/common';
import { DensityReportsModule } from '@app/density-reports';
import { ReferenceFitsModule } from '@app/reference-fits';
import { ModelsModule } from '../models/models.module';
import { RunsModule } from '../runs/runs.module';
import { CalibrationViewService } from './calibrations/calibration-view.service';
import { CalibrationsController } from './calibrations/calibrations.controller';
import { CalibrationsService } from './calibrations/calibrations.service';
import { ImportsController } from './imports/imports.controller';
import { ImportsService } from './imports/imports.service';
import { LeaderboardController } from './leaderboard/leaderboard.controller';
import { LeaderboardService } from './leaderboard/leaderboard.service';
import { TrendService } from './leaderboard/trend.service';
import { ReferenceFitService } from './references/reference-fit.service';
import { ReferencesController } from './references/references.controller';
import { ReferencesService } from './references/references.service';
import { ChartsController } from './reports/charts.controller';
import { ReportsController } from './reports/reports.controller';
import { ReportsService } from './reports/reports.service';

/**
 * Density: reference families, their fit versions and calibrations, imports of existing results, the leaderboard,
 * the Densing Law trend and reports. Densities themselves are computed by the results service (run end and the
 * recompute-densities job); this module fits, stores inputs, reads and renders.
 */
@Module({
  imports: [
    ModelsModule,
    RunsModule,
    ReferenceFitsModule,
    DensityReportsModule,
  ],
  controllers: [ReferencesController, CalibrationsController, ImportsController, LeaderboardController, ReportsController, ChartsController],
  providers: [
    ReferencesService, ReferenceFitService, ImportsService, LeaderboardService, TrendService,
    ReportsService, CalibrationsService, CalibrationViewService,
  ],
})
export class DensityModule {}
