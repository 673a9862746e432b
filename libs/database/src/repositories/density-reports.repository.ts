import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DensityJobStatus } from '@app/contracts';
import { DensityReportEntity, DensityReportFile } from '../entities/density-report.entity';
import { returningRows, type SqlStatements } from './sql';

export const DENSITY_REPORTS_SQL = {
  claim: `UPDATE density_reports SET status = 'running' WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
  succeed: `
    UPDATE density_reports SET status = 'succeeded', files = $2, summary = $3, finished_at = now()
     WHERE id = $1 AND status = 'running' RETURNING id`,
  fail: `
    UPDATE density_reports SET status = 'failed', error = $2, error_code = $3, finished_at = now()
     WHERE id = $1 AND status IN ('queued', 'running')`,
  unfinished: `SELECT id FROM density_reports WHERE status IN ('queued', 'running') ORDER BY created_at`,
} satisfies SqlStatements;

export type NewReport = Pick<DensityReportEntity, 'projectId' | 'scopeProjectId' | 'referenceId' | 'fitVersionId' | 'title' | 'query'>;

/** Density reports: what was asked (the leaderboard query), queued by the API and built by the results service. */
@Injectable()
export class DensityReportsRepository {
  constructor(private readonly db: DataSource) {}

  insert(report: NewReport): Promise<DensityReportEntity> {
    const repo = this.db.getRepository(DensityReportEntity);
    return repo.save(repo.create({ ...report, status: DensityJobStatus.Queued, files: [], summary: {} }));
  }

  /** A page, newest first, and the total: a project's reports, or every one when projectId is null. */
  list(projectId: string | null, limit: number, offset: number): Promise<[DensityReportEntity[], number]> {
    return this.db.getRepository(DensityReportEntity).findAndCount({ where: projectId ? { projectId } : {}, order: { createdAt: 'DESC' }, take: limit, skip: offset });
  }

  byId(id: string): Promise<DensityReportEntity | null> {
    return this.db.getRepository(DensityReportEntity).findOneBy({ id });
  }

  /** Marks it running; false when it has ended already (a re-delivered job finds nothing to do). */
  async claim(id: string): Promise<boolean> {
    return (await returningRows(this.db, DENSITY_REPORTS_SQL.claim, [id])).length > 0;
  }

  /** Records its files and summary, if it is still running (false: another delivery ended it first). */
  async succeed(id: string, files: readonly DensityReportFile[], summary: Record<string, unknown>): Promise<boolean> {
    return (await returningRows(this.db, DENSITY_REPORTS_SQL.succeed, [id, JSON.stringify(files), summary])).length > 0;
  }

  /** Reports not built yet (their job may have been lost with Redis). */
  async unfinished(): Promise<string[]> {
    return (await this.db.query(DENSITY_REPORTS_SQL.unfinished)).map((r: { id: string }) => r.id);
  }

  /** Fails it with the reason, unless it has ended already. */
  async fail(id: string, error: { code: string; message: string }): Promise<void> {
    await this.db.query(DENSITY_REPORTS_SQL.fail, [id, error.message, error.code]);
  }
}
