import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DensityFitsRepository, DensityReportsRepository } from '@app/database';
import { DensityJobsService } from '@app/reference-fits';

/**
 * At start, enqueues again the job of every fit and report request not ended yet: Postgres says what was asked, and a
 * job Redis lost would leave it queued for ever. Job ids are one per request, so a job still in the queue is not
 * added twice, and one that ran finds its request ended.
 */
@Injectable()
export class DensityRequestsScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(DensityRequestsScheduler.name);

  constructor(
    private readonly fits: DensityFitsRepository,
    private readonly reports: DensityReportsRepository,
    private readonly jobs: DensityJobsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const n = await this.requeue();
      if (n > 0) this.logger.log(`${n} unfinished fit/report request(s) enqueued again`);
    } catch (err) {
      // The service still runs: those requests wait for the next start.
      this.logger.error(`unfinished fit/report requests not enqueued again at start: ${(err as Error).message}`);
    }
  }

  /** Enqueues the unfinished requests' jobs; answers how many requests there were. */
  async requeue(): Promise<number> {
    const [fits, reports] = await Promise.all([this.fits.unfinished(), this.reports.unfinished()]);
    for (const id of fits) await this.jobs.fit(id);
    for (const id of reports) await this.jobs.report(id);
    return fits.length + reports.length;
  }
}
