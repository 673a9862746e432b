import { Injectable, Logger } from '@nestjs/common';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { DEFAULT_PROJECT_ID, DensityReportEntity, DensityReportFile, DensityReportsRepository } from '@app/database';
import { ChartSpecs, ReportBuilder } from '@app/density-reports';
import { DensityJobsService } from '@app/reference-fits';
import { ArtifactStore, ObjectStream } from '@app/storage';
import { inScope, ownerProject } from '@app/auth';
import type { ProjectScope } from '@app/auth';
import { Leaderboard } from '../leaderboard/leaderboard.service';
import { ReferencesService } from '../references/references.service';
import { CreateReportRequestDto } from './dto/report.dto';

/**
 * Density reports — JSON, CSV, score-vs-params and density-vs-release-date plots (SVG and PNG) for a leaderboard
 * query — are built by the results service (build-density-report): the API checks the query (its family and fit
 * version are resolved now, so the report is of what the caller saw), records the request (queued) and enqueues the
 * job. The charts endpoint draws the same specs at once, storing nothing.
 */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  constructor(
    private readonly reports: DensityReportsRepository,
    private readonly references: ReferencesService,
    private readonly builder: ReportBuilder,
    private readonly jobs: DensityJobsService,
    private readonly store: ArtifactStore,
  ) {}

  /** The Vega-Lite specs a report draws for a leaderboard query, and for each one left out, why. */
  async chartSpecs(dto: CreateReportRequestDto, scope: ProjectScope): Promise<ChartSpecs & Pick<Leaderboard, 'reference' | 'version'>> {
    const { reference, version } = await this.references.resolveLatest(scope, dto.reference);
    return { reference, version, ...(await this.builder.chartSpecs(reference, version, dto, scope.projectId)) };
  }

  async create(dto: CreateReportRequestDto, scope: ProjectScope): Promise<DensityReportEntity> {
    const { reference, version } = await this.references.resolveLatest(scope, dto.reference);
    const report = await this.reports.insert({
      projectId: ownerProject(scope, DEFAULT_PROJECT_ID),
      scopeProjectId: scope.projectId,
      referenceId: reference.id,
      fitVersionId: version.id,
      title: dto.title ?? null,
      query: { ...dto } as Record<string, unknown>,
    });
    try {
      await this.jobs.report(report.id);
    } catch (err) {
      const message = `the results queue is unavailable: ${(err as Error).message}`;
      this.logger.error(`report ${report.id}: ${message}`);
      await this.reports.fail(report.id, { code: ErrorCode.Transient, message });
      throw new DomainException(ErrorCode.Transient, `${message}; retry the request`, { reportId: report.id });
    }
    return report;
  }

  async list(scope: ProjectScope, limit: number, offset: number): Promise<[DensityReportEntity[], number]> {
    return this.reports.list(scope.projectId, limit, offset);
  }

  async get(id: string, scope: ProjectScope): Promise<DensityReportEntity> {
    const report = await this.reports.byId(id);
    if (!report || !inScope(scope, report.projectId)) throw notFound('report', id);
    return report;
  }

  async open(id: string, name: string, scope: ProjectScope): Promise<{ file: DensityReportFile; object: ObjectStream }> {
    const report = await this.get(id, scope);
    const file = report.files.find((f) => f.name === name);
    if (!file) {
      const has = report.files.length ? `it has ${report.files.map((f) => f.name).join(', ')}` : `it is ${report.status}`;
      throw new DomainException(ErrorCode.NotFound, `report ${id} has no file "${name}" (${has})`);
    }
    const object = await this.store.getStream(file.key);
    if (!object) throw new DomainException(ErrorCode.MissingResource, `report ${id}: ${name} is recorded but its object ${file.key} is missing from storage`);
    return { file, object };
  }
}
