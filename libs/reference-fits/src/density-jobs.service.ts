import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { JobName, JobPayloadMap, QueueName, jobIds, resultsJobOptions } from '@app/queue';

/** Enqueues density work on the results queue (payloads carry ids only). */
@Injectable()
export class DensityJobsService {
  constructor(@InjectQueue(QueueName.Results) private readonly results: Queue) {}

  private async enqueue<N extends JobName>(name: N, data: JobPayloadMap[N], jobId: string): Promise<string> {
    const job = await this.results.add(name, data, { ...resultsJobOptions, jobId });
    return job.id ?? jobId;
  }

  /**
   * Recomputes every density against a fit version. `trigger` (the new version itself, or an import) makes the
   * job id unique per cause: BullMQ keeps finished job ids, and a later import must recompute again.
   */
  recompute(fitVersionId: string, trigger: string): Promise<string> {
    return this.enqueue(JobName.RecomputeDensities, { fitVersionId }, `density-recompute-${fitVersionId}-${trigger}`);
  }

  /** Fits the reference family as the density_fits row asks. */
  fit(fitId: string): Promise<string> {
    return this.enqueue(JobName.FitReference, { fitId }, jobIds.fitReference(fitId));
  }

  /** Builds the report the density_reports row asks for. */
  report(reportId: string): Promise<string> {
    return this.enqueue(JobName.BuildDensityReport, { reportId }, jobIds.densityReport(reportId));
  }
}
