import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DensityReportEntity } from '../entities/density-report.entity';

/**
 * Density reports: what was asked (the leaderboard query), the files stored in S3 and a summary. Every access is a
 * TypeORM entity call, so it has no statements for the SQL catalog.
 */
@Injectable()
export class DensityReportsRepository {
  constructor(private readonly db: DataSource) {}

  insert(report: Partial<DensityReportEntity>): Promise<DensityReportEntity> {
    const repo = this.db.getRepository(DensityReportEntity);
    return repo.save(repo.create(report));
  }

  /** A page, newest first, and the total: a project's reports, or every one when projectId is null. */
  list(projectId: string | null, limit: number, offset: number): Promise<[DensityReportEntity[], number]> {
    return this.db.getRepository(DensityReportEntity).findAndCount({ where: projectId ? { projectId } : {}, order: { createdAt: 'DESC' }, take: limit, skip: offset });
  }

  byId(id: string): Promise<DensityReportEntity | null> {
    return this.db.getRepository(DensityReportEntity).findOneBy({ id });
  }
}
