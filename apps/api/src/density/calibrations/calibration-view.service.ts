import { Injectable } from '@nestjs/common';
import { DensityCalibrationEntity, DensityCalibrationsRepository, DensityReferencesRepository } from '@app/database';
import { referenceView } from '../references/reference-view';
import { CalibrationResponseDto } from './dto/calibration-response.dto';

/** Entities → the calibration resource: its runs and their progress, the members it did not run, the fit it produced. */
@Injectable()
export class CalibrationViewService {
  constructor(
    private readonly calibrations: DensityCalibrationsRepository,
    private readonly references: DensityReferencesRepository,
  ) {}

  async view(c: DensityCalibrationEntity, referenceName: string): Promise<CalibrationResponseDto> {
    const [rows, given, version] = await Promise.all([
      this.calibrations.runsWithProgress(c.id),
      this.calibrations.givenMembers(c.referenceId, c.id),
      c.fitVersionId ? this.references.fitVersion(c.fitVersionId) : null,
    ]);
    const runs = rows.map(({ done, total, ...r }) => ({ ...r, progress: { done, total } }));
    return {
      id: c.id,
      referenceId: c.referenceId,
      reference: referenceName,
      status: c.status,
      benchmarks: c.benchmarks,
      benchmarkKeys: c.benchmarkKeys,
      pool: c.pool,
      priority: c.priority,
      shardSize: c.shardSize,
      seed: c.seed,
      runs,
      given,
      progress: { done: runs.reduce((a, r) => a + r.progress.done, 0), total: runs.reduce((a, r) => a + r.progress.total, 0) },
      fitVersion: version ? referenceView.versionSummary(version) : null,
      error: c.error,
      errorCode: c.errorCode,
      createdAt: c.createdAt.toISOString(),
      finishedAt: c.finishedAt?.toISOString() ?? null,
    };
  }
}
