import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RunStatus } from '@app/contracts';
import { ModelEntity } from '@app/database';
import { benchmarkKey } from '@app/density';
import { primaryMetricKey } from '@app/reference-fits';
import { BenchmarkSummary } from '../finalize/results-json';
import { DensityRow, DensitySubject, FitVersionRef, densityRows, hasAnyCalibratedScore, readCalibration } from './density-rows';
import { DensityStoreService } from './density-store.service';
import { BenchmarkUsage, EfficiencyFigures, efficiencyFigures, pooledUsage } from './run-efficiency';
import { RunDensitySection, referenceDensity } from './run-density-section';
import { RunReportService } from './run-report.service';
import { SubjectScoresService } from './subject-scores.service';

export interface RunEndInput {
  runId: string;
  status: RunStatus;
  model: ModelEntity;
  benchmarks: readonly BenchmarkSummary[];
}

type LatestVersion = FitVersionRef & { reference: string; version: number; d0Tokens: number };
type UsageRow = { benchmark: string; items: number; input: number; output: number; busy: number; workerCost: number | null; unpriced: number };

/** Per benchmark: items, tokens, busy time and worker cost of a run's samples. Exported for bench/aggregation. */
export const RUN_USAGE_SQL = `SELECT s.benchmark, count(*)::int AS items, coalesce(sum(s.input_tokens), 0)::float8 AS input,
              coalesce(sum(s.output_tokens), 0)::float8 AS output, coalesce(sum(s.latency_ms::float8), 0) AS busy,
              sum(s.latency_ms::float8 * w.cost_per_hour) / 3600000 AS "workerCost",
              count(*) FILTER (WHERE w.cost_per_hour IS NULL)::int AS unpriced
         FROM samples s JOIN shards sh ON sh.id = s.shard_id AND sh.run_id = $1 LEFT JOIN workers w ON w.id = sh.worker_id
        WHERE s.run_id = $1 GROUP BY s.benchmark`;

/**
 * Run-end density: token value, cost density and compute density of the run; its capability density against
 * the latest fit of every reference family marked at_run_end (per benchmark and the AVERAGE headline); the
 * model's leaderboard densities refreshed with the run's scores; and the run's report (JSON + CSV) in S3.
 * Never fails the run: a problem is logged and reported in the section's `errors`.
 */
@Injectable()
export class RunDensityService {
  private readonly logger = new Logger(RunDensityService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly scores: SubjectScoresService,
    private readonly store: DensityStoreService,
    private readonly reports: RunReportService,
  ) {}

  /** Computes the run's density figures and puts them in results.json as `densebench.density`. */
  async attachRunDensity(results: Record<string, unknown>, input: RunEndInput): Promise<void> {
    let section: RunDensitySection;
    try {
      section = await this.compute(input);
    } catch (err) {
      this.logger.error(`run ${input.runId}: density figures failed: ${(err as Error).stack ?? err}`);
      section = { computed: false, reason: `density computation failed: ${(err as Error).message}`, references: [], efficiency: [], errors: [] };
    }
    const densebench = (results.densebench ?? (results.densebench = {})) as Record<string, unknown>;
    densebench.density = section;
  }

  private async compute(input: RunEndInput): Promise<RunDensitySection> {
    if (input.status !== RunStatus.Succeeded) {
      return { computed: false, reason: `the run ${input.status}: densities are computed for succeeded runs only`, references: [], efficiency: [], errors: [] };
    }
    const errors: string[] = [];
    const efficiency = await this.efficiency(input, errors);
    await this.store.upsertEfficiency(input.runId, efficiency);

    const references: RunDensitySection['references'] = [];
    const rows: DensityRow[] = [];
    for (const version of await this.latestVersions(input.runId)) {
      try {
        const calibration = readCalibration(version);
        const run = this.runSubject(input, version.metrics);
        const known = (await this.scores.models(version.metrics, [input.model.id]))[0];
        // The run is not committed as succeeded yet: its scores are the model's latest.
        const model: DensitySubject = { ...run, kind: 'model', subjectId: input.model.id, runId: null, scores: { ...known?.scores, ...run.scores } };
        const runRows = densityRows(version, calibration, run);
        rows.push(...runRows, ...(hasAnyCalibratedScore(calibration, model) ? densityRows(version, calibration, model) : []));
        references.push(referenceDensity(version, calibration, runRows));
      } catch (err) {
        errors.push(`reference ${version.reference} v${version.version}: ${(err as Error).message}`);
      }
    }
    await this.store.upsertDensities(rows);
    const section: RunDensitySection = { computed: true, references, efficiency, errors };
    section.report = await this.reports.write({ id: input.runId, model: { id: input.model.id, name: input.model.name } }, section);
    return section;
  }

  private runSubject(input: RunEndInput, metrics: Record<string, string>): DensitySubject {
    const scores: DensitySubject['scores'] = {};
    for (const b of input.benchmarks) {
      const key = benchmarkKey(b.name, b.numFewshot);
      const m = b.metrics[metrics[key]];
      if (m && Number.isFinite(m.value)) scores[key] = { score: m.value, source: `run:${input.runId}`, stderr: m.stderr };
    }
    return { kind: 'run', subjectId: input.runId, modelId: input.model.id, runId: input.runId, params: input.model.paramsTotal, scores };
  }

  /** The latest fits of the families marked at_run_end that the run's project sees: its own and the built-in ones. */
  private async latestVersions(runId: string): Promise<LatestVersion[]> {
    return this.db.query(
      `SELECT DISTINCT ON (v.reference_id) v.id, v.reference_id AS "referenceId", r.name AS reference, v.version,
              v.d0_tokens AS "d0Tokens", v.metrics, v.calibration
         FROM density_fit_versions v JOIN density_references r ON r.id = v.reference_id
        WHERE r.at_run_end AND (r.project_id IS NULL OR r.project_id = (SELECT project_id FROM runs WHERE id = $1))
        ORDER BY v.reference_id, v.version DESC`,
      [runId],
    );
  }

  /** Per benchmark (in its primary metric) and pooled; tokens and busy time from the run's samples. */
  private async efficiency(input: RunEndInput, errors: string[]): Promise<EfficiencyFigures[]> {
    const usageRows: UsageRow[] = await this.db.query(
      RUN_USAGE_SQL,
      [input.runId],
    );
    const usages: BenchmarkUsage[] = [];
    for (const b of input.benchmarks) {
      const metric = primaryMetricKey(Object.keys(b.metrics));
      const u = usageRows.find((r) => r.benchmark === b.name);
      if (!metric || !u) {
        errors.push(`${b.name}: no ${metric ? 'samples' : 'primary metric'} for efficiency figures`);
        continue;
      }
      const m = b.metrics[metric];
      usages.push({
        benchmark: b.name,
        metric,
        score: m.value,
        items: m.n,
        inputTokens: u.input,
        outputTokens: u.output,
        busyMs: u.busy,
        workerCostUsd: u.unpriced > 0 ? null : u.workerCost,
      });
    }
    const pooled = pooledUsage(usages);
    const model = input.model;
    const costs = { priceInputPerM: model.priceInputPerM, priceOutputPerM: model.priceOutputPerM, activeParams: model.paramsActive ?? model.paramsTotal };
    const out: EfficiencyFigures[] = [];
    for (const u of pooled ? [...usages, pooled] : usages) {
      try {
        out.push(efficiencyFigures(u, costs));
      } catch (err) {
        errors.push(`${u.benchmark}: ${(err as Error).message}`); // e.g. a metric that is not a fraction in [0, 1]
      }
    }
    return out;
  }
}
