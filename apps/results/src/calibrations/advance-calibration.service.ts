import { Injectable, Logger } from '@nestjs/common';
import { CalibrationStatus, permanentRefusal } from '@app/contracts';
import { DensityCalibrationEntity, DensityCalibrationsRepository, DensityFitVersionEntity, DensityReferencesRepository } from '@app/database';
import { DensityException } from '@app/density';
import {
  CalibrationFailure, DensityJobsService, FitDataService, FitVersionWriter, canTransition, nextCalibrationStep,
} from '@app/reference-fits';

export type AdvanceOutcome = { status: CalibrationStatus | 'missing'; pending?: number; fitVersionId?: string };

/**
 * The advance-calibration job. A running calibration waits until its runs end; fails with the first failed or
 * cancelled run's reason; once every run succeeded, moves to fitting and fits the family on those runs' conditional
 * losses and scores (and the members' given numbers), storing the version exactly as POST …/fit does and marking the
 * calibration succeeded in the same transaction. The fit's refusal (DensityException) fails the calibration with the
 * library's reason and code, and no version is written. Idempotent: duplicate and retried jobs find the work done.
 */
@Injectable()
export class AdvanceCalibrationService {
  private readonly logger = new Logger(AdvanceCalibrationService.name);

  constructor(
    private readonly calibrations: DensityCalibrationsRepository,
    private readonly references: DensityReferencesRepository,
    private readonly data: FitDataService,
    private readonly writer: FitVersionWriter,
    private readonly jobs: DensityJobsService,
  ) {}

  async advance(calibrationId: string): Promise<AdvanceOutcome> {
    const calibration = await this.calibrations.byId(calibrationId);
    if (!calibration) return { status: 'missing' }; // its reference family was deleted
    if (calibration.status === CalibrationStatus.Succeeded) {
      // A retry after the version was stored: make sure its densities' recompute was enqueued (deduped by job id).
      if (calibration.fitVersionId) await this.jobs.recompute(calibration.fitVersionId, 'calibration');
      return { status: calibration.status, fitVersionId: calibration.fitVersionId ?? undefined };
    }
    if (calibration.status === CalibrationStatus.Failed) return { status: calibration.status };
    const runs = await this.calibrations.runStates(calibrationId);
    if (calibration.status === CalibrationStatus.Running) {
      const step = nextCalibrationStep(runs);
      if (step.kind === 'wait') return { status: CalibrationStatus.Running, pending: step.pending };
      if (step.kind === 'fail') return this.fail(calibrationId, CalibrationStatus.Running, step.code, step.reason);
      await this.move(calibrationId, CalibrationStatus.Running, CalibrationStatus.Fitting, {});
    }
    return this.fit(calibration, runs.map((r) => r.runId));
  }

  private async fit(calibration: DensityCalibrationEntity, runIds: string[]): Promise<AdvanceOutcome> {
    let version: DensityFitVersionEntity | null;
    try {
      const reference = await this.references.byId(calibration.referenceId);
      if (!reference) return { status: 'missing' }; // deleted meanwhile (its calibrations go with it)
      const members = await this.references.members(reference.id);
      const data = await this.data.collect(reference, members, { runIds, benchmarks: calibration.benchmarkKeys });
      version = await this.references.transaction(async (tx) => {
        if ((await this.calibrations.lockStatus(calibration.id, tx)) !== CalibrationStatus.Fitting) return null; // another job fitted it (or it failed) meanwhile
        const stored = await this.writer.fitAndStore(reference, data, { tx, provenance: { calibrationId: calibration.id } });
        await this.calibrations.moveIfIn(calibration.id, CalibrationStatus.Fitting, CalibrationStatus.Succeeded, { fitVersionId: stored.id, finishedAt: new Date() }, tx);
        return stored;
      });
    } catch (err) {
      const refusal = permanentRefusal(err);
      if (!refusal) throw err; // transient (database, queue): the job is retried, still fitting
      // The library's codes (DENSITY_…) as they are; data that cannot be collected is the calibration's invalid input.
      const code = err instanceof DensityException ? refusal.code : CalibrationFailure.InvalidInput;
      return this.fail(calibration.id, CalibrationStatus.Fitting, code, refusal.message);
    }
    if (!version) return { status: CalibrationStatus.Succeeded };
    this.logger.log(`calibration ${calibration.id}: reference ${calibration.referenceId} fitted as version ${version.version}`);
    await this.jobs.recompute(version.id, 'calibration');
    return { status: CalibrationStatus.Succeeded, fitVersionId: version.id };
  }

  private async fail(id: string, from: CalibrationStatus, code: string, reason: string): Promise<AdvanceOutcome> {
    await this.move(id, from, CalibrationStatus.Failed, { error: reason, errorCode: code, finishedAt: new Date() });
    this.logger.warn(`calibration ${id} failed (${code}): ${reason}`);
    return { status: CalibrationStatus.Failed };
  }

  /** Moves the calibration from `from` to `to` if it is still in `from` (a concurrent job may have moved it first). */
  private async move(id: string, from: CalibrationStatus, to: CalibrationStatus, patch: Partial<Pick<DensityCalibrationEntity, 'error' | 'errorCode' | 'finishedAt'>>): Promise<void> {
    if (!canTransition(from, to)) throw new Error(`calibration ${id}: no transition ${from} → ${to}`);
    await this.calibrations.moveIfIn(id, from, to, patch);
  }
}
