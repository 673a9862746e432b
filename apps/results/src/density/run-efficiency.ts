import { Outcome, Pricing, UndefinedReason, computeDensity, costDensity, tokenValue, undefinedOutcome } from '@app/density';

/** What one benchmark of a run used, summed over its samples. */
export interface BenchmarkUsage {
  benchmark: string;
  metric: string | null;
  /** Mean of the metric, a fraction in [0, 1]. */
  score: number;
  items: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the samples' latencies (the run's busy time, as runs.busy_ms). */
  busyMs: number;
  /** Σ latency × the $/hour of the worker that ran the sample's shard; null when a worker had no cost. */
  workerCostUsd: number | null;
}

export interface ModelCosts {
  priceInputPerM: number | null;
  priceOutputPerM: number | null;
  activeParams: number;
}

type Figure = Outcome<{ value: number }>;

export interface EfficiencyFigures extends BenchmarkUsage {
  costUsd: number | null;
  pricing: Record<string, unknown>;
  tokenValue: { scorePer1kOutputTokens: Figure; outputTokensPerCorrect: Figure; totalTokensPerCorrect: Figure };
  costDensity: { scorePerDollar: Figure; dollarsPerCorrect: Figure };
  computeDensity: { scorePerBillionActiveParams: Figure; flops: number; scorePerTflop: Figure };
  scorePer1kOutputTokens: number | null;
  scorePerDollar: number | null;
  scorePerTflop: number | null;
}

/** The pooled row of a run: every benchmark's items together (score = correct answers / items). */
export const POOLED = 'ALL';

export function pooledUsage(usages: readonly BenchmarkUsage[]): BenchmarkUsage | null {
  if (usages.length === 0) return null;
  const items = usages.reduce((s, u) => s + u.items, 0);
  const sum = (f: (u: BenchmarkUsage) => number) => usages.reduce((s, u) => s + f(u), 0);
  return {
    benchmark: POOLED,
    metric: null,
    score: sum((u) => u.score * u.items) / items,
    items,
    inputTokens: sum((u) => u.inputTokens),
    outputTokens: sum((u) => u.outputTokens),
    busyMs: sum((u) => u.busyMs),
    workerCostUsd: usages.some((u) => u.workerCostUsd === null) ? null : sum((u) => u.workerCostUsd!),
  };
}

/**
 * API prices per 1M tokens when the model has them; otherwise the workers' $/hour × busy time, as the
 * library's worker pricing with the busy-time-weighted mean rate (so the cost is exactly Σ latency × rate).
 */
function pricingFor(u: BenchmarkUsage, model: ModelCosts): { pricing: Pricing | null; description: Record<string, unknown> } {
  if (model.priceInputPerM !== null || model.priceOutputPerM !== null) {
    const pricing: Pricing = { kind: 'api', inputUsdPerMillion: model.priceInputPerM ?? 0, outputUsdPerMillion: model.priceOutputPerM ?? 0 };
    return { pricing, description: { ...pricing, source: 'model prices per 1M tokens' } };
  }
  if (u.workerCostUsd !== null && u.busyMs > 0) {
    const pricing: Pricing = { kind: 'worker', usdPerHour: u.workerCostUsd / (u.busyMs / 3_600_000), busySeconds: u.busyMs / 1000 };
    return { pricing, description: { ...pricing, source: 'workers cost per hour × busy time' } };
  }
  const why = u.busyMs > 0 ? 'the model has no price per 1M tokens and a worker that ran it has no cost per hour' : 'no busy time was recorded';
  return { pricing: null, description: { kind: 'none', reason: why } };
}

const value = (o: Figure) => (o.defined ? o.value : null);

/** Token value, cost density and compute density of one benchmark (or the pooled row) of a run. */
export function efficiencyFigures(u: BenchmarkUsage, model: ModelCosts): EfficiencyFigures {
  const usage = { score: u.score, items: u.items, inputTokens: u.inputTokens, outputTokens: u.outputTokens };
  const tv = tokenValue(usage);
  const { pricing, description } = pricingFor(u, model);
  const noPricing = undefinedOutcome(UndefinedReason.ZeroDenominator, `no cost: ${String(description.reason)}`);
  const cost = pricing ? costDensity(usage, pricing) : null;
  const compute = computeDensity(usage, model.activeParams);
  return {
    ...u,
    costUsd: cost?.costUsd ?? null,
    pricing: description,
    tokenValue: tv,
    costDensity: cost ? { scorePerDollar: cost.scorePerDollar, dollarsPerCorrect: cost.dollarsPerCorrect } : { scorePerDollar: noPricing, dollarsPerCorrect: noPricing },
    computeDensity: compute,
    scorePer1kOutputTokens: value(tv.scorePer1kOutputTokens),
    scorePerDollar: cost ? value(cost.scorePerDollar) : null,
    scorePerTflop: value(compute.scorePerTflop),
  };
}
