import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainException, ErrorCode } from '@app/contracts';
import { DensityFitVersionEntity } from '@app/database';
import { DENSITY_SCHEMA_VERSION, LOSS_EQUATION, PERFORMANCE_EQUATION, calibrateReference, calibrationQuality, calibrationWarnings } from '@app/density';
import { DensityJobsService } from '../density-jobs.service';
import { FitDataService } from './fit-data.service';
import { ReferencesService } from './references.service';

/**
 * Fits a reference family (calibrateReference) and stores the result as a new, immutable version with the
 * data points it used; then enqueues the recompute of every density against it. Too few or unusable points:
 * the library's DensityException propagates (422 through DensityExceptionFilter) and nothing is stored.
 */
@Injectable()
export class ReferenceFitService {
  private readonly logger = new Logger(ReferenceFitService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly references: ReferencesService,
    private readonly data: FitDataService,
    private readonly jobs: DensityJobsService,
  ) {}

  async fit(referenceId: string): Promise<{ version: DensityFitVersionEntity; recomputeJobId: string | null }> {
    const reference = await this.references.get(referenceId);
    if (reference.builtin) {
      throw new DomainException(
        ErrorCode.Conflict,
        `"${reference.name}" is a built-in reference: the results service fits it from references/${reference.builtin}/ at start, ` +
          'and again whenever that table or the fitting code changes',
        { builtin: reference.builtin },
      );
    }
    const members = await this.references.membersOf(referenceId);
    const data = await this.data.collect(reference, members);
    const version = await this.db.transaction(async (tx) => {
      // Serialise fits of one family so version numbers are dense and unique.
      await tx.query(`SELECT id FROM density_references WHERE id = $1 FOR UPDATE`, [referenceId]);
      const [{ next }] = await tx.query(`SELECT coalesce(max(version), 0)::int + 1 AS next FROM density_fit_versions WHERE reference_id = $1`, [referenceId]);
      const calibration = calibrateReference({
        name: reference.name,
        version: String(next),
        d0Tokens: reference.d0Tokens,
        benchmarks: data.benchmarks,
        lossModels: data.lossModels,
        performanceModels: data.performanceModels,
      });
      return tx.save(
        tx.create(DensityFitVersionEntity, {
          referenceId,
          version: next,
          d0Tokens: calibration.d0Tokens,
          metrics: data.metrics,
          calibration: calibration as unknown as Record<string, unknown>,
          dataPoints: data.points,
          quality: calibrationQuality(calibration),
          warnings: calibrationWarnings(calibration),
          library: {
            package: '@app/density',
            schemaVersion: DENSITY_SCHEMA_VERSION,
            method: calibration.method,
            equations: { loss: LOSS_EQUATION, performance: PERFORMANCE_EQUATION },
          },
        }),
      );
    });
    let recomputeJobId: string | null = null;
    try {
      recomputeJobId = await this.jobs.recompute(version.id, 'fit');
    } catch (err) {
      // The version is stored; densities follow at the next import or run end. Say so rather than fail the fit.
      this.logger.error(`fit version ${version.id}: enqueueing the recompute failed: ${(err as Error).message}`);
    }
    return { version, recomputeJobId };
  }
}
