import { Injectable, Logger } from '@nestjs/common';
import { RunStatus } from '@app/contracts';
import { DensitiesRepository, DensityReferencesRepository, ModelEntity } from '@app/database';
import { benchmarkKey, primaryMetricKey, readCalibration } from '@app/density';
import { BenchmarkSummary } from '../finalize/results-json';
import { DensityRow, DensitySubject, densityRows, hasAnyCalibratedScore } from './density-rows';
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
    private readonly densities: DensitiesRepository,
    private readonly references: DensityReferencesRepository,
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
    for (const version of await this.references.atRunEndVersions(input.runId)) {
      try {
        const calibration = readCalibration(version.calibration);
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

  /** Per benchmark (in its primary metric) and pooled; tokens and busy time from the run's samples. */
  private async efficiency(input: RunEndInput, errors: string[]): Promise<EfficiencyFigures[]> {
    const usageRows = await this.densities.runUsage(input.runId);
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
