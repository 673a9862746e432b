import { Injectable, Logger } from '@nestjs/common';
import { DensityJobStatus, ErrorCode, permanentRefusal } from '@app/contracts';
import { DensityFitVersionEntity, DensityFitsRepository, DensityReferencesRepository } from '@app/database';
import { DensityJobsService, FitDataService, FitVersionWriter } from '@app/reference-fits';

export type FitOutcome = { status: DensityJobStatus | 'missing'; fitVersionId?: string };

/**
 * The fit-reference job: fits a family on what Postgres holds (given measurements, the members' latest succeeded
 * runs) and stores the result as its next version, marking the request succeeded in the same transaction; then
 * enqueues the recompute of every density against it. The fit's refusal (too few or unusable points, data that
 * cannot be collected) fails the request with the reason and stores nothing. Idempotent: a re-delivered job finds
 * the request ended and does not fit again.
 */
@Injectable()
export class FitReferenceService {
  private readonly logger = new Logger(FitReferenceService.name);

  constructor(
    private readonly fits: DensityFitsRepository,
    private readonly references: DensityReferencesRepository,
    private readonly data: FitDataService,
    private readonly writer: FitVersionWriter,
    private readonly jobs: DensityJobsService,
  ) {}

  /** `lastAttempt`: a transient failure fails the request too, since BullMQ will not retry it. */
  async run(fitId: string, lastAttempt = false): Promise<FitOutcome> {
    const fit = await this.fits.byId(fitId);
    if (!fit) return { status: 'missing' }; // its reference family was deleted
    if (fit.status === DensityJobStatus.Succeeded) return this.recompute(fitId, fit.fitVersionId);
    if (!(await this.fits.claim(fitId))) return { status: DensityJobStatus.Failed };
    let version: DensityFitVersionEntity | null;
    try {
      const reference = await this.references.byId(fit.referenceId);
      if (!reference) return { status: 'missing' };
      const data = await this.data.collect(reference, await this.references.members(reference.id));
      version = await this.references.transaction(async (tx) => {
        if ((await this.fits.lockStatus(fitId, tx)) !== DensityJobStatus.Running) return null; // another delivery ended it meanwhile
        const stored = await this.writer.fitAndStore(reference, data, { tx, provenance: { fitId } });
        await this.fits.succeed(fitId, stored.id, tx);
        return stored;
      });
    } catch (err) {
      const refusal = permanentRefusal(err);
      if (!refusal && !lastAttempt) throw err; // transient (database, queue): retried, still running
      const reason = refusal ?? { code: ErrorCode.Transient, message: (err as Error).message };
      await this.fits.fail(fitId, reason);
      this.logger.warn(`fit ${fitId} of reference ${fit.referenceId} failed (${reason.code}): ${reason.message}`);
      if (!refusal) throw err;
      return { status: DensityJobStatus.Failed };
    }
    if (!version) return { status: (await this.fits.byId(fitId))?.status ?? 'missing' };
    this.logger.log(`fit ${fitId}: reference ${fit.referenceId} fitted as version ${version.version}`);
    return this.recompute(fitId, version.id);
  }

  /** Enqueues the densities' recompute against the stored version (deduped by job id, so a retry enqueues it once). */
  private async recompute(fitId: string, fitVersionId: string | null): Promise<FitOutcome> {
    if (!fitVersionId) return { status: DensityJobStatus.Succeeded };
    await this.fits.setRecomputeJob(fitId, await this.jobs.recompute(fitVersionId, 'fit'));
    return { status: DensityJobStatus.Succeeded, fitVersionId };
  }
}
