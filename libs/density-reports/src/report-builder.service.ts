import { Injectable } from '@nestjs/common';
import { DensityFitVersionEntity, DensityReferenceEntity, DensityReportFile, TrendPoint } from '@app/database';
import { DensityException, DensityTrend, FrontierRule, readCalibration } from '@app/density';
import { ArtifactStore } from '@app/storage';
import { ChartRendererService } from './chart-renderer.service';
import { LeaderboardFilter, LeaderboardReader, LeaderboardRow } from './leaderboard-reader';
import { leaderboardCsv, reportJson, scoreChartSpec, trendChartSpec } from './report-files';

/** A leaderboard query (as GET /v1/density/leaderboard) to draw and report on. */
export interface ReportQuery extends LeaderboardFilter {
  frontier?: FrontierRule;
  title?: string;
}

export interface ChartSpecs {
  rows: LeaderboardRow[];
  total: number;
  trend: DensityTrend | null;
  specs: Array<{ name: string; spec: object }>;
  skipped: Record<string, string>;
}

/** Where a report's files are stored: one folder per report, so building it again overwrites, never adds. */
export const reportKey = (id: string, name: string): string => `density/reports/${id}/${name}`;

/**
 * Draws and builds density reports for a leaderboard query against one fit version — JSON, CSV, score-vs-params
 * and density-vs-release-date plots (SVG and PNG, log axes, trend line) stored in S3. A plot that cannot be drawn
 * (no scores, too few points for a trend) is left out and the summary says why; nothing is made up.
 */
@Injectable()
export class ReportBuilder {
  constructor(
    private readonly leaderboard: LeaderboardReader,
    private readonly charts: ChartRendererService,
    private readonly store: ArtifactStore,
  ) {}

  /** The Vega-Lite specs a report draws (score vs parameters with the reference curve, density vs release date with the trend), and why any is left out. */
  async chartSpecs(reference: DensityReferenceEntity, version: DensityFitVersionEntity, q: ReportQuery, projectId: string | null): Promise<ChartSpecs> {
    const { rows, total } = await this.leaderboard.rows(version.id, q, projectId);
    const calibration = readCalibration(version.calibration);
    const skipped: Record<string, string> = {};
    let trend: DensityTrend | null = null;
    let points: TrendPoint[] = [];
    try {
      ({ trend, points } = await this.leaderboard.trend(version.id, { from: q.from, to: q.to, frontier: q.frontier ?? (reference.frontierRule as FrontierRule) }, projectId));
    } catch (err) {
      if (!(err instanceof DensityException)) throw err;
      skipped['density-vs-date'] = `no trend: ${err.message}`;
    }
    const specs: Array<{ name: string; spec: object }> = [];
    const scoreSpec = scoreChartSpec(rows, calibration, version.dataPoints, q.title);
    if (scoreSpec) specs.push({ name: 'score-vs-params', spec: scoreSpec });
    else skipped['score-vs-params'] = 'no model in the query has a score';
    if (trend) specs.push({ name: 'density-vs-date', spec: trendChartSpec(points, trend) });
    return { rows, total, trend, specs, skipped };
  }

  /** Renders and stores report `id`'s files; answers them and the summary to record. */
  async build(
    id: string,
    reference: DensityReferenceEntity,
    version: DensityFitVersionEntity,
    query: ReportQuery & Record<string, unknown>,
    projectId: string | null,
  ): Promise<{ files: DensityReportFile[]; summary: Record<string, unknown> }> {
    const { rows, total, trend, specs, skipped } = await this.chartSpecs(reference, version, query, projectId);
    const rendered = await this.charts.render(specs.map((s) => s.spec));
    const bodies: Array<{ name: string; body: Buffer | string; contentType: string }> = [
      {
        name: 'leaderboard.json',
        contentType: 'application/json',
        body: reportJson({
          id, generatedAt: new Date(), title: query.title ?? null, query,
          reference: { id: reference.id, name: reference.name, d0Tokens: reference.d0Tokens },
          fitVersion: { id: version.id, version: version.version },
          total, rows, trend, skipped,
        }),
      },
      { name: 'leaderboard.csv', contentType: 'text/csv', body: leaderboardCsv(rows) },
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
      rows: rows.length,
      total,
      trend: trend ? { doublingTimeDays: trend.doublingTimeDays, doublingTimeMonths: trend.doublingTimeMonths, rSquared: trend.quality.rSquared, frontierRule: trend.frontierRule } : null,
      skipped,
    };
    return { files, summary };
  }
}
