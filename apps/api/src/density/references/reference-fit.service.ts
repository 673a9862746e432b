import { Injectable, Logger } from '@nestjs/common';
import { DomainException, ErrorCode } from '@app/contracts';
import { DensityFitVersionEntity, DensityReferenceEntity } from '@app/database';
import { DensityJobsService, FitDataService, FitVersionWriter } from '@app/reference-fits';
import { ReferencesService } from './references.service';

/** A built-in family is fitted by the results service from its table; neither POST …/fit nor a calibration may. */
export function refuseBuiltin(reference: DensityReferenceEntity): void {
  if (!reference.builtin) return;
  throw new DomainException(
    ErrorCode.Conflict,
    `"${reference.name}" is a built-in reference: the results service fits it from references/${reference.builtin}/ at start, ` +
      'and again whenever that table or the fitting code changes',
    { builtin: reference.builtin },
  );
}

/**
 * Fits a reference family (calibrateReference) and stores the result as a new, immutable version with the
 * data points it used; then enqueues the recompute of every density against it. Too few or unusable points:
 * the library's DensityException propagates (422 through the DomainExceptionFilter) and nothing is stored.
 */
import type { ProjectScope } from '@app/auth';

@Injectable()
export class ReferenceFitService {
  private readonly logger = new Logger(ReferenceFitService.name);

  constructor(
    private readonly references: ReferencesService,
    private readonly data: FitDataService,
    private readonly writer: FitVersionWriter,
    private readonly jobs: DensityJobsService,
  ) {}

  async fit(referenceId: string, scope: ProjectScope): Promise<{ version: DensityFitVersionEntity; recomputeJobId: string | null }> {
    const reference = await this.references.get(referenceId, scope);
    refuseBuiltin(reference);
    const members = await this.references.membersOf(referenceId);
    const version = await this.writer.fitAndStore(reference, await this.data.collect(reference, members));
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
