import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DensityJobStatus } from '@app/contracts';
import { DensityFitEntity } from '../entities/density-fit.entity';
import { returningRows, type Queryable, type SqlStatements } from './sql';

export const DENSITY_FITS_SQL = {
  claim: `
    UPDATE density_fits SET status = 'running'
     WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
  lock_status: `SELECT status FROM density_fits WHERE id = $1 FOR UPDATE`,
  succeed: `UPDATE density_fits SET status = 'succeeded', fit_version_id = $2, finished_at = now() WHERE id = $1`,
  fail: `
    UPDATE density_fits SET status = 'failed', error = $2, error_code = $3, error_details = $4, finished_at = now()
     WHERE id = $1 AND status IN ('queued', 'running')`,
  set_recompute_job: `UPDATE density_fits SET recompute_job_id = $2 WHERE id = $1`,
  unfinished: `SELECT id FROM density_fits WHERE status IN ('queued', 'running') ORDER BY created_at`,
} satisfies SqlStatements;

/** Requests to fit a reference family (density_fits): queued by the API, done by the results service. */
@Injectable()
export class DensityFitsRepository {
  constructor(private readonly db: DataSource) {}

  insert(fit: Pick<DensityFitEntity, 'projectId' | 'referenceId'>): Promise<DensityFitEntity> {
    const repo = this.db.getRepository(DensityFitEntity);
    return repo.save(repo.create({ ...fit, status: DensityJobStatus.Queued }));
  }

  byId(id: string): Promise<DensityFitEntity | null> {
    return this.db.getRepository(DensityFitEntity).findOneBy({ id });
  }

  /** Marks it running; false when it has ended already (a re-delivered job finds nothing to do). */
  async claim(id: string): Promise<boolean> {
    return (await returningRows(this.db, DENSITY_FITS_SQL.claim, [id])).length > 0;
  }

  /** Its status, its row locked until tx ends (null when it is gone). */
  async lockStatus(id: string, tx: Queryable): Promise<DensityJobStatus | null> {
    const [row]: Array<{ status: DensityJobStatus }> = await tx.query(DENSITY_FITS_SQL.lock_status, [id]);
    return row?.status ?? null;
  }

  async succeed(id: string, fitVersionId: string, tx: Queryable = this.db): Promise<void> {
    await tx.query(DENSITY_FITS_SQL.succeed, [id, fitVersionId]);
  }

  /** Fails it with the reason, unless it has ended already. */
  async fail(id: string, error: { code: string; message: string; details?: Record<string, unknown> | null }): Promise<void> {
    await this.db.query(DENSITY_FITS_SQL.fail, [id, error.message, error.code, error.details ?? null]);
  }

  /** Requests not ended yet (their job may have been lost with Redis). */
  async unfinished(): Promise<string[]> {
    return (await this.db.query(DENSITY_FITS_SQL.unfinished)).map((r: { id: string }) => r.id);
  }

  async setRecomputeJob(id: string, jobId: string): Promise<void> {
    await this.db.query(DENSITY_FITS_SQL.set_recompute_job, [id, jobId]);
  }
}
