import { Injectable, Logger } from '@nestjs/common';
import { DomainException, ErrorCode } from '@app/contracts';
import { DensityException, readCalibration } from '@app/density';
import { DensityReferencesRepository } from '@app/database';
import { densityRows, hasAnyCalibratedScore } from './density-rows';
import { DensityStoreService } from './density-store.service';
import { SubjectScoresService } from './subject-scores.service';

/**
 * The recompute-densities job: every model with a score on the reference's benchmarks, and every succeeded
 * run, measured against one fit version. Runs after a new fit version is stored and after an import.
 * Idempotent (upserts on the natural key), so retries and duplicate jobs are harmless.
 */
@Injectable()
export class RecomputeDensitiesService {
  private readonly logger = new Logger(RecomputeDensitiesService.name);

  constructor(
    private readonly references: DensityReferencesRepository,
    private readonly scores: SubjectScoresService,
    private readonly store: DensityStoreService,
  ) {}

  async recompute(fitVersionId: string): Promise<{ models: number; runs: number; rows: number }> {
    const version = await this.references.fitVersion(fitVersionId);
    if (!version) throw new DomainException(ErrorCode.NotFound, `density fit version ${fitVersionId} not found`);
    let calibration;
    try {
      calibration = readCalibration(version.calibration);
    } catch (err) {
      if (err instanceof DensityException) throw new DomainException(ErrorCode.InvalidInput, err.message, { code: err.code });
      throw err;
    }
    const models = (await this.scores.models(version.metrics)).filter((s) => hasAnyCalibratedScore(calibration, s));
    const runs = await this.scores.runs(version.metrics);
    const rows = [...models, ...runs].flatMap((s) => densityRows(version, calibration, s));
    await this.store.upsertDensities(rows);
    this.logger.log(`fit version ${fitVersionId}: densities of ${models.length} model(s) and ${runs.length} run(s) recomputed`);
    return { models: models.length, runs: runs.length, rows: rows.length };
  }
}
