import { Injectable } from '@nestjs/common';
import { DensityFitVersionEntity, DensityReferenceEntity, DensityReferencesRepository, Queryable } from '@app/database';
import { DENSITY_SCHEMA_VERSION, LOSS_EQUATION, PERFORMANCE_EQUATION, calibrateReference, calibrationQuality, calibrationWarnings } from '@app/density';
import { FitData } from './fit-data.service';

/**
 * Fits a reference family on collected data (calibrateReference: Eq. 2 on losses, Eq. 3 on (loss, score)) and stores
 * the result as the family's next immutable version, with the data points it used. Too few or unusable points: the
 * library's DensityException propagates and nothing is stored.
 */
@Injectable()
export class FitVersionWriter {
  constructor(private readonly references: DensityReferencesRepository) {}

  /**
   * In `tx` when one is given (the caller commits the version with its own changes, or neither), else in a
   * transaction of its own. `provenance` is added to the version's library record (e.g. the calibration).
   */
  async fitAndStore(
    reference: DensityReferenceEntity,
    data: FitData,
    opts: { tx?: Queryable; provenance?: Record<string, unknown> } = {},
  ): Promise<DensityFitVersionEntity> {
    const store = (tx: Queryable) => this.references.insertNextVersion(reference.id, (next) => this.fit(reference, data, next, opts.provenance ?? {}), tx);
    return opts.tx ? store(opts.tx) : this.references.transaction(store);
  }

  private fit(reference: DensityReferenceEntity, data: FitData, version: number, provenance: Record<string, unknown>) {
    const calibration = calibrateReference({
      name: reference.name,
      version: String(version),
      d0Tokens: reference.d0Tokens,
      benchmarks: data.benchmarks,
      lossModels: data.lossModels,
      performanceModels: data.performanceModels,
    });
    return {
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
    };
  }
}
