import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { DomainException } from '@app/contracts';
import { JobName, JobPayloadMap, QueueName, RESULTS_OTHER_JOBS_CONCURRENCY, RESULTS_WORKER_CONFIG } from '@app/queue';
import { AdvanceCalibrationService } from './calibrations/advance-calibration.service';
import { ConcurrencyLimit } from './concurrency-limit';
import { BuiltinReferenceService } from './density/builtin/builtin-reference.service';
import { BuildReportService } from './density/build-report.service';
import { FitReferenceService } from './density/fit-reference.service';
import { RecomputeDensitiesService } from './density/recompute-densities.service';
import { ReconcileRunsService } from './reconcile/reconcile-runs.service';
import { FinalizeRunService } from './finalize/finalize-run.service';
import { IngestBatcher } from './ingest/ingest-batcher';
import { SweepWorkersService } from './sweep/sweep-workers.service';

/**
 * The results queue: shard ingestion, run finalization, the lost-worker sweep, the queue reconciler, density recomputation,
 * calibrations, reference fits and density reports.
 * Its concurrency is high so that many ingest jobs are active at once and the batcher can group them;
 * the other jobs run at most RESULTS_OTHER_JOBS_CONCURRENCY at once.
 */
@Processor(QueueName.Results, {
  concurrency: RESULTS_WORKER_CONFIG.concurrency,
  lockDuration: RESULTS_WORKER_CONFIG.lockDuration,
  stalledInterval: RESULTS_WORKER_CONFIG.stalledInterval,
  maxStalledCount: RESULTS_WORKER_CONFIG.maxStalledCount,
})
export class ResultsProcessor extends WorkerHost {
  private readonly logger = new Logger(ResultsProcessor.name);
  private readonly others = new ConcurrencyLimit(RESULTS_OTHER_JOBS_CONCURRENCY);

  constructor(
    private readonly ingest: IngestBatcher,
    private readonly finalizer: FinalizeRunService,
    private readonly sweeper: SweepWorkersService,
    private readonly densities: RecomputeDensitiesService,
    private readonly builtin: BuiltinReferenceService,
    private readonly calibrations: AdvanceCalibrationService,
    private readonly reconciler: ReconcileRunsService,
    private readonly fits: FitReferenceService,
    private readonly reports: BuildReportService,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    try {
      if (job.name === JobName.IngestShard) return await this.ingest.ingest((job.data as JobPayloadMap[JobName.IngestShard]).shardId);
      return await this.others.run(() => this.processOther(job));
    } catch (err) {
      if (err instanceof DomainException && !err.retryable) throw new UnrecoverableError(err.message);
      throw err instanceof Error ? err : new Error(String(err));
    }
  }

  private async processOther(job: Job): Promise<unknown> {
    switch (job.name as JobName) {
      case JobName.FinalizeRun:
        return this.finalizer.finalize((job.data as JobPayloadMap[JobName.FinalizeRun]).runId, await shardFailures(job));
      case JobName.SweepWorkers:
        return this.sweeper.sweep();
      case JobName.ReconcileRuns:
        return this.reconciler.reconcile();
      case JobName.RecomputeDensities:
        return this.densities.recompute((job.data as JobPayloadMap[JobName.RecomputeDensities]).fitVersionId);
      case JobName.InstallBuiltinReference:
        return this.builtin.install((job.data as JobPayloadMap[JobName.InstallBuiltinReference]).name);
      case JobName.AdvanceCalibration:
        return this.calibrations.advance((job.data as JobPayloadMap[JobName.AdvanceCalibration]).calibrationId);
      case JobName.FitReference:
        return this.fits.run((job.data as JobPayloadMap[JobName.FitReference]).fitId, lastAttempt(job));
      case JobName.BuildDensityReport:
        return this.reports.build((job.data as JobPayloadMap[JobName.BuildDensityReport]).reportId, lastAttempt(job));
      default:
        throw new UnrecoverableError(`unknown job ${job.name} on the results queue`);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, err: Error): void {
    this.logger.error(`${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}, run ${job?.data?.runId ?? '-'}): ${err.message}`);
  }

  @OnWorkerEvent('stalled')
  onStalled(jobId: string): void {
    this.logger.warn(`results job ${jobId} stalled`);
  }
}

/** BullMQ will not retry a failure of this attempt: the job's request row must say it failed. */
const lastAttempt = (job: Job): boolean => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

/** Shard id → reason, for the flow children that failed for good (their ids are "shard-<uuid>"). */
async function shardFailures(job: Job): Promise<Map<string, string>> {
  const failures = await job.getIgnoredChildrenFailures();
  const out = new Map<string, string>();
  for (const [key, reason] of Object.entries(failures)) {
    const m = /shard-([0-9a-f-]{36})$/.exec(key);
    if (m) out.set(m[1], String(reason));
  }
  return out;
}
