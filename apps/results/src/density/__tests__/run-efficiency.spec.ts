import { BenchmarkUsage, POOLED, efficiencyFigures, pooledUsage } from '../run-efficiency';

const usage = (over: Partial<BenchmarkUsage> = {}): BenchmarkUsage => ({
  benchmark: 'gsm8k', metric: 'exact_match,strict-match', score: 0.5, items: 100, inputTokens: 50_000, outputTokens: 20_000, busyMs: 7_200_000, workerCostUsd: 4, ...over,
});
const model = { priceInputPerM: null, priceOutputPerM: null, activeParams: 7e9 };

describe('efficiencyFigures', () => {
  it('prices by the model\'s API prices per 1M tokens when it has them', () => {
    const f = efficiencyFigures(usage(), { ...model, priceInputPerM: 1, priceOutputPerM: 3 });
    // 50,000 / 1e6 × $1 + 20,000 / 1e6 × $3 = $0.05 + $0.06 = $0.11; 50 correct answers.
    expect(f.costUsd).toBeCloseTo(0.11, 12);
    expect(f.pricing).toMatchObject({ kind: 'api', inputUsdPerMillion: 1, outputUsdPerMillion: 3 });
    expect(f.scorePerDollar).toBeCloseTo(50 / 0.11, 9);
    expect(f.costDensity.dollarsPerCorrect).toEqual({ defined: true, value: expect.closeTo(0.11 / 50, 12) });
  });

  it('otherwise prices by the workers\' cost per hour × busy time, exactly their sum', () => {
    const f = efficiencyFigures(usage(), model);
    // $4 over 2 busy hours: $2/hour × 7,200 s = $4.
    expect(f.pricing).toMatchObject({ kind: 'worker', usdPerHour: 2, busySeconds: 7200 });
    expect(f.costUsd).toBeCloseTo(4, 12);
    expect(f.scorePerDollar).toBeCloseTo(12.5, 12);
  });

  it('has no cost (null with the reason) when a worker had no cost per hour', () => {
    const f = efficiencyFigures(usage({ workerCostUsd: null }), model);
    expect(f.costUsd).toBeNull();
    expect(f.scorePerDollar).toBeNull();
    expect(f.costDensity.scorePerDollar).toMatchObject({ defined: false, reason: 'ZERO_DENOMINATOR' });
    expect(f.pricing).toMatchObject({ kind: 'none' });
  });

  it('gives token value per generated token and compute density per TFLOP (FLOPs ≈ 2·N_active·tokens)', () => {
    const f = efficiencyFigures(usage(), model);
    expect(f.scorePer1kOutputTokens).toBeCloseTo(50 / 20, 12);
    expect(f.tokenValue.totalTokensPerCorrect).toEqual({ defined: true, value: 70_000 / 50 });
    expect(f.computeDensity.flops).toBe(2 * 7e9 * 70_000);
    expect(f.scorePerTflop).toBeCloseTo(50 / ((2 * 7e9 * 70_000) / 1e12), 9);
    const loglikelihood = efficiencyFigures(usage({ outputTokens: 0 }), model);
    expect(loglikelihood.scorePer1kOutputTokens).toBeNull();
    expect(loglikelihood.tokenValue.scorePer1kOutputTokens).toMatchObject({ defined: false, reason: 'ZERO_DENOMINATOR' });
  });
});

describe('pooledUsage', () => {
  it('pools items: score = correct answers / items, sums of tokens, time and cost', () => {
    const pooled = pooledUsage([usage({ score: 0.5, items: 100 }), usage({ benchmark: 'arc_easy', score: 0.8, items: 300, workerCostUsd: 1 })])!;
    expect(pooled).toMatchObject({ benchmark: POOLED, items: 400, inputTokens: 100_000, busyMs: 14_400_000, workerCostUsd: 5 });
    expect(pooled.score).toBeCloseTo((50 + 240) / 400, 12);
    expect(pooledUsage([usage(), usage({ workerCostUsd: null })])!.workerCostUsd).toBeNull();
    expect(pooledUsage([])).toBeNull();
  });
});
