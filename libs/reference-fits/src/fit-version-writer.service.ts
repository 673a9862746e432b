import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DensityFitVersionEntity, DensityReferenceEntity } from '@app/database';
import { DENSITY_SCHEMA_VERSION, LOSS_EQUATION, PERFORMANCE_EQUATION, calibrateReference, calibrationQuality, calibrationWarnings } from '@app/density';
import { FitData } from './fit-data.service';

/**
 * Fits a reference family on collected data (calibrateReference: Eq. 2 on losses, Eq. 3 on (loss, score)) and stores
 * the result as the family's next immutable version, with the data points it used. Too few or unusable points: the
 * library's DensityException propagates and nothing is stored.
 */
@Injectable()
export class FitVersionWriter {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * In `manager`'s transaction when one is given (the caller commits the version with its own changes, or neither),
   * else in a transaction of its own. `provenance` is added to the version's library record (e.g. the calibration).
   */
  async fitAndStore(
    reference: DensityReferenceEntity,
    data: FitData,
    opts: { manager?: EntityManager; provenance?: Record<string, unknown> } = {},
  ): Promise<DensityFitVersionEntity> {
    const store = (tx: EntityManager) => this.store(tx, reference, data, opts.provenance ?? {});
    return opts.manager ? store(opts.manager) : this.db.transaction(store);
  }

  private async store(tx: EntityManager, reference: DensityReferenceEntity, data: FitData, provenance: Record<string, unknown>): Promise<DensityFitVersionEntity> {
    // Serialise fits of one family so version numbers are dense and unique.
    await tx.query(`SELECT id FROM density_references WHERE id = $1 FOR UPDATE`, [reference.id]);
    const [{ next }] = await tx.query(`SELECT coalesce(max(version), 0)::int + 1 AS next FROM density_fit_versions WHERE reference_id = $1`, [reference.id]);
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
        referenceId: reference.id,
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
          ...provenance,
        },
      }),
    );
  }
}
