import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CalibrationNotifier } from './calibration-notifier.service';

/**
 * At start, asks every unfinished calibration to check its runs: a run that ended while no results service could tell
 * its calibration (or whose notice Redis lost) still moves it on. A calibration whose runs are still going just waits.
 */
@Injectable()
export class CalibrationStartScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(CalibrationStartScheduler.name);

  constructor(private readonly notifier: CalibrationNotifier) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const n = await this.notifier.unfinished(`start-${randomUUID().slice(0, 8)}`);
      if (n > 0) this.logger.log(`${n} unfinished calibration(s) asked to check their runs`);
    } catch (err) {
      // The service still runs: the calibrations move on when their next run ends.
      this.logger.error(`unfinished calibrations not checked at start: ${(err as Error).message}`);
    }
  }
}
