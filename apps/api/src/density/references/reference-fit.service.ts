import { Injectable, Logger } from '@nestjs/common';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { DensityFitEntity, DensityFitVersionEntity, DensityFitsRepository, DensityReferenceEntity, DensityReferencesRepository } from '@app/database';
import { DensityJobsService } from '@app/reference-fits';
import type { ProjectScope } from '@app/auth';
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

export interface FitWithVersion {
  fit: DensityFitEntity;
  version: DensityFitVersionEntity | null;
}

/**
 * Fitting a reference family is a job of the results service (fit-reference): the API checks the request, records it
 * (queued) and enqueues the job; the fit's outcome — the version it stored, or why the data could not be fitted — is
 * read back from the request.
 */
@Injectable()
export class ReferenceFitService {
  private readonly logger = new Logger(ReferenceFitService.name);

  constructor(
    private readonly references: ReferencesService,
    private readonly fits: DensityFitsRepository,
    private readonly versions: DensityReferencesRepository,
    private readonly jobs: DensityJobsService,
  ) {}

  async request(referenceId: string, scope: ProjectScope): Promise<FitWithVersion> {
    const reference = await this.references.get(referenceId, scope);
    refuseBuiltin(reference);
    const fit = await this.fits.insert({ projectId: scope.projectId, referenceId });
    try {
      await this.jobs.fit(fit.id);
    } catch (err) {
      const message = `the results queue is unavailable: ${(err as Error).message}`;
      this.logger.error(`fit ${fit.id}: ${message}`);
      await this.fits.fail(fit.id, { code: ErrorCode.Transient, message });
      throw new DomainException(ErrorCode.Transient, `${message}; retry the request`, { fitId: fit.id });
    }
    return { fit, version: null };
  }

  /** A fit request of a family the scope sees, with the version it stored once it succeeded. */
  async get(referenceId: string, fitId: string, scope: ProjectScope): Promise<FitWithVersion> {
    await this.references.get(referenceId, scope);
    const fit = await this.fits.byId(fitId);
    if (!fit || fit.referenceId !== referenceId) throw notFound('fit', fitId);
    return { fit, version: fit.fitVersionId ? await this.versions.fitVersion(fit.fitVersionId) : null };
  }
}
