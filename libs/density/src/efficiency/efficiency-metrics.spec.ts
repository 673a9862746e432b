import { DensityErrorCode } from '../density.exception';
import { UndefinedReason } from '../outcome';
import { computeDensity, costDensity, runCostUsd, tokenValue } from './efficiency-metrics';

// GSM8K-like run: 1,000 items, 60% correct, 400k prompt tokens, 250k generated tokens.
const run = { score: 0.6, items: 1000, inputTokens: 400_000, outputTokens: 250_000 };

describe('efficiency metrics (beyond the paper)', () => {
  it('token value: 600 correct over 250k generated tokens', () => {
    const v = tokenValue(run);
    expect(v.scorePer1kOutputTokens).toEqual({ defined: true, value: 2.4 }); // 600 / 250
    expect(v.outputTokensPerCorrect).toMatchObject({ defined: true, value: expect.closeTo(416.6667, 3) }); // 250000 / 600
    expect(v.totalTokensPerCorrect).toMatchObject({ value: expect.closeTo(1083.3333, 3) }); // 650000 / 600
  });

  it('cost density from API prices per 1M tokens', () => {
    // $0.50/M in, $1.50/M out: 0.4·0.5 + 0.25·1.5 = 0.2 + 0.375 = $0.575
    const c = costDensity(run, { kind: 'api', inputUsdPerMillion: 0.5, outputUsdPerMillion: 1.5 });
    expect(c.costUsd).toBeCloseTo(0.575, 12);
    expect(c.scorePerDollar).toMatchObject({ value: expect.closeTo(600 / 0.575, 9) });
    expect(c.dollarsPerCorrect).toMatchObject({ value: expect.closeTo(0.575 / 600, 12) });
  });

  it('cost density from a worker hour rate and busy time', () => {
    // $2.40/h for 30 min = $1.20
    expect(runCostUsd(run, { kind: 'worker', usdPerHour: 2.4, busySeconds: 1800 })).toBeCloseTo(1.2, 12);
    const c = costDensity(run, { kind: 'worker', usdPerHour: 2.4, busySeconds: 1800 });
    expect(c.dollarsPerCorrect).toMatchObject({ value: expect.closeTo(0.002, 12) });
  });

  it('compute density per billion active parameters and per TFLOP (≈ 2 N_active tokens)', () => {
    const c = computeDensity(run, 3e9);
    expect(c.scorePerBillionActiveParams).toMatchObject({ value: expect.closeTo(0.2, 12) });
    expect(c.flops).toBe(2 * 3e9 * 650_000); // 3.9e15 = 3900 TFLOP
    expect(c.scorePerTflop).toMatchObject({ value: expect.closeTo(600 / 3900, 12) });
  });

  it('has typed reasons for nothing correct, nothing generated or nothing paid', () => {
    const none = { ...run, score: 0 };
    expect(tokenValue(none).outputTokensPerCorrect).toMatchObject({ defined: false, reason: UndefinedReason.NoCorrectAnswers });
    expect(tokenValue({ ...run, outputTokens: 0 }).scorePer1kOutputTokens).toMatchObject({ defined: false, reason: UndefinedReason.ZeroDenominator });
    expect(costDensity(run, { kind: 'worker', usdPerHour: 0, busySeconds: 10 }).scorePerDollar).toMatchObject({ reason: UndefinedReason.ZeroDenominator });
  });

  it('rejects scores outside [0, 1] and bad counts', () => {
    expect(() => tokenValue({ ...run, score: 60 })).toThrow(expect.objectContaining({ code: DensityErrorCode.InvalidInput }));
    expect(() => tokenValue({ ...run, items: 0 })).toThrow(expect.objectContaining({ code: DensityErrorCode.InvalidInput }));
    expect(() => runCostUsd(run, { kind: 'api', inputUsdPerMillion: -1, outputUsdPerMillion: 0 })).toThrow(/non-negative/);
  });
});
