import { Injectable, Logger } from '@nestjs/common';
import { DensityJobStatus, DomainException, ErrorCode, permanentRefusal } from '@app/contracts';
import { DensityReferencesRepository, DensityReportsRepository } from '@app/database';
import { ReportBuilder, ReportQuery } from '@app/density-reports';

export type ReportOutcome = { status: DensityJobStatus | 'missing' };

/**
 * The build-density-report job: draws the report's leaderboard query against the fit version the request resolved,
 * stores its files in S3 (one folder per report: building it again overwrites them) and records them with the
 * summary. A refusal (a chart that cannot be rendered, a family or version deleted meanwhile) fails the report with
 * the reason. Idempotent: a re-delivered job finds the report ended and builds nothing.
 */
@Injectable()
export class BuildReportService {
  private readonly logger = new Logger(BuildReportService.name);

  constructor(
    private readonly reports: DensityReportsRepository,
    private readonly references: DensityReferencesRepository,
    private readonly builder: ReportBuilder,
  ) {}

  /** `lastAttempt`: a transient failure fails the report too, since BullMQ will not retry it. */
  async build(reportId: string, lastAttempt = false): Promise<ReportOutcome> {
    const report = await this.reports.byId(reportId);
    if (!report) return { status: 'missing' };
    if (!(await this.reports.claim(reportId))) return { status: report.status };
    try {
      const [reference, version] = await Promise.all([
        report.referenceId ? this.references.byId(report.referenceId) : null,
        report.fitVersionId ? this.references.fitVersion(report.fitVersionId) : null,
      ]);
      if (!reference || !version) {
        throw new DomainException(ErrorCode.NotFound, 'the reference family or fit version of this report was deleted before it was built');
      }
      const query = report.query as ReportQuery & Record<string, unknown>;
      const { files, summary } = await this.builder.build(report.id, reference, version, query, report.scopeProjectId);
      if (!(await this.reports.succeed(reportId, files, summary))) return { status: (await this.reports.byId(reportId))?.status ?? 'missing' };
    } catch (err) {
      const refusal = permanentRefusal(err);
      if (!refusal && !lastAttempt) throw err; // transient (database, S3): retried, still running
      const reason = refusal ?? { code: ErrorCode.Transient, message: (err as Error).message };
      await this.reports.fail(reportId, reason);
      this.logger.warn(`report ${reportId} failed (${reason.code}): ${reason.message}`);
      if (!refusal) throw err;
      return { status: DensityJobStatus.Failed };
    }
    this.logger.log(`report ${reportId} built`);
    return { status: DensityJobStatus.Succeeded };
  }
}
