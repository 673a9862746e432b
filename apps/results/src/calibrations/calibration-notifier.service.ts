import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { CalibrationStatus } from '@app/contracts';
import { JobName, JobPayloadMap, QueueName, jobIds, resultsJobOptions } from '@app/queue';

const UNFINISHED = [CalibrationStatus.Running, CalibrationStatus.Fitting];

/**
 * Enqueues advance-calibration jobs: for the unfinished calibrations that include a run, once that run has ended, and
 * (at a results service's start) for every unfinished calibration, so none waits forever on a notice that was lost.
 * Job ids are deterministic per cause, so a retried finalize or replicas starting together enqueue one job each.
 */
@Injectable()
export class CalibrationNotifier {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectQueue(QueueName.Results) private readonly queue: Queue,
  ) {}

  async runEnded(runId: string): Promise<number> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT c.id FROM density_calibration_runs cr JOIN density_calibrations c ON c.id = cr.calibration_id
        WHERE cr.run_id = $1 AND c.status = ANY($2)`,
      [runId, UNFINISHED],
    );
    await this.enqueue(rows.map((r) => r.id), `run-${runId}`);
    return rows.length;
  }

  async unfinished(cause: string): Promise<number> {
    const rows: Array<{ id: string }> = await this.db.query(`SELECT id FROM density_calibrations WHERE status = ANY($1)`, [UNFINISHED]);
    await this.enqueue(rows.map((r) => r.id), cause);
    return rows.length;
  }

  private async enqueue(calibrationIds: string[], cause: string): Promise<void> {
    for (const calibrationId of calibrationIds) {
      const data: JobPayloadMap[JobName.AdvanceCalibration] = { calibrationId };
      await this.queue.add(JobName.AdvanceCalibration, data, { ...resultsJobOptions, jobId: jobIds.advanceCalibration(calibrationId, cause) });
    }
  }
}
