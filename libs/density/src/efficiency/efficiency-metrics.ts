import { DensityErrorCode, DensityException } from '../density.exception';
import { Outcome, UndefinedReason, ratio, undefinedOutcome } from '../outcome';

/*
 * Beyond the paper: value per token, per dollar and per FLOP of one benchmark run. Each "per X" figure is
 * normalised per item, so it does not grow with the size of the run:
 *   score ÷ (X per item) = (score · items) ÷ X = correct answers per X.
 */

/** What one run of one benchmark used. Token counts are totals over the run. */
export interface RunUsage {
  /** Mean score as a fraction in [0, 1] (accuracy, pass@1, exact match). */
  score: number;
  /** Items (samples) evaluated. */
  items: number;
  inputTokens: number;
  outputTokens: number;
}

function validate(run: RunUsage): void {
  if (!(run.score >= 0 && run.score <= 1)) {
    throw new DensityException(DensityErrorCode.InvalidInput, `score must be a fraction in [0, 1], got ${run.score}`);
  }
  if (!Number.isInteger(run.items) || run.items <= 0) {
    throw new DensityException(DensityErrorCode.InvalidInput, `items must be a positive integer, got ${run.items}`);
  }
  for (const key of ['inputTokens', 'outputTokens'] as const) {
    if (!(run[key] >= 0) || !Number.isFinite(run[key])) {
      throw new DensityException(DensityErrorCode.InvalidInput, `${key} must be a non-negative number, got ${run[key]}`);
    }
  }
}

const correctAnswers = (run: RunUsage) => run.score * run.items;

function perCorrect(amount: number, run: RunUsage, what: string): Outcome<{ value: number }> {
  if (correctAnswers(run) === 0) return undefinedOutcome(UndefinedReason.NoCorrectAnswers, `${what}: no item was answered correctly`);
  return ratio(amount, correctAnswers(run), what);
}

export interface TokenValue {
  /** Correct answers per 1,000 generated tokens (= score per 1k generated tokens per item). */
  scorePer1kOutputTokens: Outcome<{ value: number }>;
  /** Generated tokens spent per correct answer. */
  outputTokensPerCorrect: Outcome<{ value: number }>;
  /** Prompt + generated tokens per correct answer. */
  totalTokensPerCorrect: Outcome<{ value: number }>;
}

export function tokenValue(run: RunUsage): TokenValue {
  validate(run);
  return {
    scorePer1kOutputTokens: ratio(correctAnswers(run), run.outputTokens / 1000, 'score per 1k generated tokens'),
    outputTokensPerCorrect: perCorrect(run.outputTokens, run, 'generated tokens per correct answer'),
    totalTokensPerCorrect: perCorrect(run.inputTokens + run.outputTokens, run, 'tokens per correct answer'),
  };
}

/** API prices per 1M tokens, or a worker's hourly cost times the time it was busy with the run. */
export type Pricing =
  | { kind: 'api'; inputUsdPerMillion: number; outputUsdPerMillion: number }
  | { kind: 'worker'; usdPerHour: number; busySeconds: number };

export function runCostUsd(run: Pick<RunUsage, 'inputTokens' | 'outputTokens'>, pricing: Pricing): number {
  const cost =
    pricing.kind === 'api'
      ? (run.inputTokens / 1e6) * pricing.inputUsdPerMillion + (run.outputTokens / 1e6) * pricing.outputUsdPerMillion
      : pricing.usdPerHour * (pricing.busySeconds / 3600);
  if (!(cost >= 0) || !Number.isFinite(cost)) {
    throw new DensityException(DensityErrorCode.InvalidInput, `pricing gives a cost of ${cost} USD; prices and times must be non-negative`);
  }
  return cost;
}

export interface CostDensity {
  costUsd: number;
  /** Correct answers per dollar (= score ÷ dollars per item). */
  scorePerDollar: Outcome<{ value: number }>;
  dollarsPerCorrect: Outcome<{ value: number }>;
}

export function costDensity(run: RunUsage, pricing: Pricing): CostDensity {
  validate(run);
  const costUsd = runCostUsd(run, pricing);
  return {
    costUsd,
    scorePerDollar: ratio(correctAnswers(run), costUsd, 'score per dollar'),
    dollarsPerCorrect: perCorrect(costUsd, run, 'dollars per correct answer'),
  };
}

export interface ComputeDensity {
  /** Score ÷ (active parameters in billions). */
  scorePerBillionActiveParams: Outcome<{ value: number }>;
  /** FLOPs ≈ 2 × N_active × (prompt + generated tokens) for the whole run. */
  flops: number;
  /** Correct answers per TFLOP (= score ÷ TFLOPs per item). */
  scorePerTflop: Outcome<{ value: number }>;
}

export function computeDensity(run: RunUsage, activeParams: number): ComputeDensity {
  validate(run);
  const flops = 2 * activeParams * (run.inputTokens + run.outputTokens);
  return {
    scorePerBillionActiveParams: ratio(run.score, activeParams / 1e9, 'score per billion active parameters'),
    flops,
    scorePerTflop: ratio(correctAnswers(run), flops / 1e12, 'score per TFLOP'),
  };
}
