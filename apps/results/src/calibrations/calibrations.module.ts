import { Module } from '@nestjs/common';
import { ReferenceFitsModule } from '@app/reference-fits';
import { AdvanceCalibrationService } from './advance-calibration.service';
import { CalibrationNotifier } from './calibration-notifier.service';
import { CalibrationStartScheduler } from './calibration-start.scheduler';

/** Reference calibrations in the results service: told when their runs end, fitted once all have succeeded. */
@Module({
  imports: [ReferenceFitsModule],
  providers: [CalibrationNotifier, AdvanceCalibrationService, CalibrationStartScheduler],
  exports: [CalibrationNotifier, AdvanceCalibrationService],
})
export class CalibrationsModule {}
