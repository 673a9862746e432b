import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DensityCalibrationsRepository } from '@app/database';
import { JobName, JobPayloadMap, QueueName, jobIds, resultsJobOptions } from '@app/queue';

/**
 * Enqueues advance-calibration jobs: for the unfinished calibrations that include a run, once that run has ended, and
 * (at a results service's start) for every unfinished calibration, so none waits forever on a notice that was lost.
 * Job ids are deterministic per cause, so a retried finalize or replicas starting together enqueue one job each.
 */
@Injectable()
export class CalibrationNotifier {
  constructor(
    private readonly calibrations: DensityCalibrationsRepository,
    @InjectQueue(QueueName.Results) private readonly queue: Queue,
  ) {}

  async runEnded(runId: string): Promise<number> {
    const ids = await this.calibrations.unfinishedWithRun(runId);
    await this.enqueue(ids, `run-${runId}`);
    return ids.length;
  }

  async unfinished(cause: string): Promise<number> {
    const ids = await this.calibrations.unfinished();
    await this.enqueue(ids, cause);
    return ids.length;
  }

  private async enqueue(calibrationIds: string[], cause: string): Promise<void> {
    for (const calibrationId of calibrationIds) {
      const data: JobPayloadMap[JobName.AdvanceCalibration] = { calibrationId };
      await this.queue.add(JobName.AdvanceCalibration, data, { ...resultsJobOptions, jobId: jobIds.advanceCalibration(calibrationId, cause) });
    }
  }
}
