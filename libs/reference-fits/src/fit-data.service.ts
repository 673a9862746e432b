import { Injectable } from '@nestjs/common';
import { invalidInput } from '@app/contracts';
import { DensityReferenceEntity, DensityReferencesRepository, FitDataPoint, MemberWithModel } from '@app/database';
import { CONDITIONAL_LOSS_METRIC, primaryMetricKey } from '@app/density';
import type { LossFamilyModel, PerformanceFamilyModel } from '@app/density';

type RunMetrics = Record<string, { value: number }>;

export interface FitData {
  benchmarks: string[];
  metrics: Record<string, string>;
  points: FitDataPoint[];
  lossModels: LossFamilyModel[];
  performanceModels: PerformanceFamilyModel[];
}

export interface CollectOptions {
  /** Read only these runs (a calibration's own), not each member's latest succeeded run of any origin. */
  runIds?: readonly string[];
  /** The benchmark keys to fit, instead of the family's own list (or every benchmark the members have data for). */
  benchmarks?: readonly string[];
}

/**
 * Collects a family's data points: per member and benchmark, the given score/loss, else the value in the
 * member's latest succeeded run of that benchmark (metric chosen per benchmark, and cond_nll_per_token).
 */
@Injectable()
export class FitDataService {
  constructor(private readonly references: DensityReferencesRepository) {}

  async collect(reference: DensityReferenceEntity, members: readonly MemberWithModel[], opts: CollectOptions = {}): Promise<FitData> {
    const latest = await this.latestRuns(members.map((m) => m.modelId), opts.runIds);
    const benchmarks = opts.benchmarks ? [...opts.benchmarks] : reference.benchmarks ?? union(members, latest);
    if (benchmarks.length === 0) throw invalidInput(`reference family "${reference.name}" has no benchmark data: give measurements or run its members`);
    const metrics = Object.fromEntries(benchmarks.map((b) => [b, this.metricFor(reference, b, members, latest)]));
    const points: FitDataPoint[] = [];
    const lossModels: LossFamilyModel[] = [];
    const performanceModels: PerformanceFamilyModel[] = [];
    for (const m of members) {
      const losses: Record<string, number> = {};
      const scores: Record<string, number> = {};
      for (const b of benchmarks) {
        const given = m.measurements[b] ?? {};
        const run = latest.get(m.modelId)?.get(b);
        const runScore = run?.metrics[metrics[b]]?.value;
        const runLoss = run?.metrics[CONDITIONAL_LOSS_METRIC]?.value;
        const score = given.score ?? (isNum(runScore) ? runScore : null);
        const loss = given.loss ?? (isNum(runLoss) ? runLoss : null);
        if (score !== null) scores[b] = score;
        if (loss !== null) losses[b] = loss;
        if (score === null && loss === null) continue;
        points.push({
          modelId: m.modelId,
          model: m.model.name,
          params: m.model.paramsTotal,
          tokens: m.model.trainingTokens,
          role: m.role,
          benchmark: b,
          score,
          loss,
          scoreSource: score === null ? null : given.score !== undefined ? 'given' : `run:${run!.runId}`,
          lossSource: loss === null ? null : given.loss !== undefined ? 'given' : `run:${run!.runId}`,
        });
      }
      if (m.role !== 'performance' && m.model.trainingTokens) {
        lossModels.push({ id: m.model.name, params: m.model.paramsTotal, tokens: m.model.trainingTokens, losses });
      }
      if (m.role !== 'loss') performanceModels.push({ id: m.model.name, losses, scores });
    }
    return { benchmarks, metrics, points, lossModels, performanceModels };
  }

  private metricFor(reference: DensityReferenceEntity, benchmark: string, members: readonly MemberWithModel[], latest: LatestRuns): string {
    const named = reference.metrics[benchmark];
    if (named) return named;
    const keys = new Set<string>();
    for (const m of members) Object.keys(latest.get(m.modelId)?.get(benchmark)?.metrics ?? {}).forEach((k) => keys.add(k));
    const metric = primaryMetricKey([...keys]);
    if (!metric) {
      throw invalidInput(
        `the metric of ${benchmark} cannot be inferred (no member has a run of it that reports a score): name it in the family's metrics`,
        { benchmark },
      );
    }
    return metric;
  }

  /** model → benchmark → the latest succeeded run's metrics (among `runIds` when given). */
  private async latestRuns(modelIds: string[], runIds?: readonly string[]): Promise<LatestRuns> {
    const rows = await this.references.memberRunMetrics(modelIds, runIds);
    const out: LatestRuns = new Map();
    for (const r of rows) {
      const byBenchmark = out.get(r.modelId) ?? new Map();
      byBenchmark.set(r.benchmark, { runId: r.runId, metrics: r.metrics });
      out.set(r.modelId, byBenchmark);
    }
    return out;
  }
}

type LatestRuns = Map<string, Map<string, { runId: string; metrics: RunMetrics }>>;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function union(members: readonly MemberWithModel[], latest: LatestRuns): string[] {
  const names = new Set<string>();
  for (const m of members) {
    Object.keys(m.measurements).forEach((b) => names.add(b));
    for (const [b, run] of latest.get(m.modelId) ?? []) if (run.metrics[CONDITIONAL_LOSS_METRIC]) names.add(b);
  }
  return [...names].sort();
}
