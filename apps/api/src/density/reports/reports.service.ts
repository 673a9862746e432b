import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { DensityReportEntity, DensityReportFile, DensityReportsRepository } from '@app/database';
import { DensityException, DensityTrend, ReferenceCalibration, readCalibration } from '@app/density';
import { ArtifactStore, ObjectStream } from '@app/storage';
import { LeaderboardService } from '../leaderboard/leaderboard.service';
import { TrendPoint, TrendService } from '../leaderboard/trend.service';
import { ChartRendererService } from './chart-renderer.service';
import { CreateReportRequestDto } from './dto/report.dto';
import { leaderboardCsv, reportJson, scoreChartSpec, trendChartSpec } from './report-files';

export interface ChartSpecs {
  board: Awaited<ReturnType<LeaderboardService['query']>>;
  trend: DensityTrend | null;
  specs: Array<{ name: string; spec: object }>;
  skipped: Record<string, string>;
}

const reportKey = (id: string, name: string) => `density/reports/${id}/${name}`;

/**
 * Builds a report for a leaderboard query — JSON, CSV, score-vs-params and density-vs-release-date plots (SVG and
 * PNG, log axes, trend line) — stores the files in S3 and records them. A plot that cannot be drawn (no scores,
 * too few points for a trend) is left out and the summary says why; nothing is made up.
 */
import { inScope, ownerProject } from '@app/auth';
import type { ProjectScope } from '@app/auth';
import { DEFAULT_PROJECT_ID } from '@app/database';

@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: DensityReportsRepository,
    private readonly leaderboard: LeaderboardService,
    private readonly trends: TrendService,
    private readonly charts: ChartRendererService,
    private readonly store: ArtifactStore,
  ) {}

  /**
   * The Vega-Lite specs a report draws for a leaderboard query (score vs parameters with the reference curve,
   * density vs release date with the trend), and for each one left out, why. Served as they are to the dashboard.
   */
  async chartSpecs(dto: CreateReportRequestDto, scope: ProjectScope): Promise<ChartSpecs> {
    const board = await this.leaderboard.query(dto, scope);
    const calibration: ReferenceCalibration = readCalibration(board.version.calibration);
    const skipped: Record<string, string> = {};
    let trend: DensityTrend | null = null;
    let points: TrendPoint[] = [];
    try {
      const t = await this.trends.trend({ reference: board.reference.id, from: dto.from, to: dto.to, frontier: dto.frontier }, scope);
      ({ trend, points } = t);
    } catch (err) {
      if (!(err instanceof DensityException)) throw err;
      skipped['density-vs-date'] = `no trend: ${err.message}`;
    }
    const specs: Array<{ name: string; spec: object }> = [];
    const scoreSpec = scoreChartSpec(board.rows, calibration, board.version.dataPoints, dto.title);
    if (scoreSpec) specs.push({ name: 'score-vs-params', spec: scoreSpec });
    else skipped['score-vs-params'] = 'no model in the query has a score';
    if (trend) specs.push({ name: 'density-vs-date', spec: trendChartSpec(points, trend) });
    return { board, trend, specs, skipped };
  }

  async create(dto: CreateReportRequestDto, scope: ProjectScope): Promise<DensityReportEntity> {
    const { board, trend, specs, skipped } = await this.chartSpecs(dto, scope);
    const rendered = await this.charts.render(specs.map((s) => s.spec));

    const id = randomUUID();
    const generatedAt = new Date();
    const query = { ...dto } as Record<string, unknown>;
    const bodies: Array<{ name: string; body: Buffer | string; contentType: string }> = [
      {
        name: 'leaderboard.json',
        contentType: 'application/json',
        body: reportJson({
          id, generatedAt, title: dto.title ?? null, query,
          reference: { id: board.reference.id, name: board.reference.name, d0Tokens: board.reference.d0Tokens },
          fitVersion: { id: board.version.id, version: board.version.version },
          total: board.total, rows: board.rows, trend, skipped,
        }),
      },
      { name: 'leaderboard.csv', contentType: 'text/csv', body: leaderboardCsv(board.rows) },
      ...specs.flatMap((s, i) => [
        { name: `${s.name}.svg`, contentType: 'image/svg+xml', body: rendered[i].svg },
        { name: `${s.name}.png`, contentType: 'image/png', body: rendered[i].png },
      ]),
    ];
    const files: DensityReportFile[] = [];
    for (const f of bodies) {
      const stored = await this.store.putBuffer(reportKey(id, f.name), f.body, f.contentType);
      files.push({ name: f.name, key: stored.key, contentType: f.contentType, sizeBytes: stored.sizeBytes });
    }
    const summary = {
      rows: board.rows.length,
      total: board.total,
      trend: trend ? { doublingTimeDays: trend.doublingTimeDays, doublingTimeMonths: trend.doublingTimeMonths, rSquared: trend.quality.rSquared, frontierRule: trend.frontierRule } : null,
      skipped,
    };
    return this.reports.insert({ id, projectId: ownerProject(scope, DEFAULT_PROJECT_ID), referenceId: board.reference.id, fitVersionId: board.version.id, title: dto.title ?? null, query, files, summary });
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
    if (!file) throw new DomainException(ErrorCode.NotFound, `report ${id} has no file "${name}" (it has ${report.files.map((f) => f.name).join(', ')})`);
    const object = await this.store.getStream(file.key);
    if (!object) throw new DomainException(ErrorCode.MissingResource, `report ${id}: ${name} is recorded but its object ${file.key} is missing from storage`);
    return { file, object };
  }
}
