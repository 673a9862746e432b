import { predictLoss } from '../curves/loss-curve';
import { predictScore } from '../curves/performance-curve';
import { UndefinedReason } from '../outcome';
import { calibrateReference } from './reference-calibration';
import { DEFAULT_D0_TOKENS, effectiveParamsForLoss, estimateDensity } from './effective-size';
import { TRUE_LOSS, TRUE_PERF, syntheticFamily } from '../__tests__/synthetic-family';

const exactCurves = { loss: { params: TRUE_LOSS }, performance: { params: TRUE_PERF } };

describe('effective parameter size and density (Xiao et al. Eqs. 1 and 4)', () => {
  describe('worked example, by hand', () => {
    // Reference family: 5 sizes (1e7 … 1e9) × 4 token budgets (10, 20, 40, 60 tokens per parameter), losses
    // exactly L = 50·N^−0.25 + 20·D^−0.25, and 9 well-trained models on S = 0.7/(1 + e^(20·(L − 0.5))) + 0.25.
    // Target model: N = 100M parameters, score S = 0.60. D0 = 5T tokens.
    //
    //   Eq. 4 left:  c/(S − d) − 1 = 0.7/(0.60 − 0.25) − 1 = 2 − 1 = 1;  ln 1 = 0
    //                L̂ = l − (1/γ)·0 = 0.5
    //   Eq. 4 right: D0^0.25 = (5·10^12)^0.25 = 5^0.25 · 10^3 = 1.4953487812 · 10^3 = 1495.3487812
    //                b·D0^−β = 20 / 1495.3487812 = 0.0133748061
    //                L̂ − b·D0^−β = 0.5 − 0.0133748061 = 0.4866251939
    //                ÷ a = 0.4866251939 / 50 = 0.00973250388
    //                N̂ = 0.00973250388^(−1/0.25) = 0.00973250388^−4 = 1 / 8.97232e−9 = 1.114555e8
    //   Eq. 1:       ρ = N̂ / N = 1.114555e8 / 1e8 = 1.114555
    const byHand = { lossHat: 0.5, effectiveParams: 1.1145553945719625e8, density: 1.1145553945719624 };

    it('matches the hand arithmetic with the true curves', () => {
      expect(Math.pow(5e12, 0.25)).toBeCloseTo(1495.3487812, 6);
      const est = estimateDensity(exactCurves, 0.6, 1e8, 5e12);
      if (!est.defined) throw new Error(est.message);
      expect(est.lossHat).toBe(0.5);
      expect(est.effectiveParams / byHand.effectiveParams).toBeCloseTo(1, 12);
      expect(est.density).toBeCloseTo(byHand.density, 10);
    });

    it('matches the hand arithmetic through curves fitted to the family', () => {
      const calibration = calibrateReference(syntheticFamily());
      expect(calibration.d0Tokens).toBe(5e12);
      const est = estimateDensity(calibration.benchmarks.mmlu, 0.6, 1e8, calibration.d0Tokens);
      if (!est.defined) throw new Error(est.message);
      expect(est.lossHat).toBeCloseTo(0.5, 6);
      expect(est.effectiveParams / byHand.effectiveParams).toBeCloseTo(1, 4);
      expect(est.density).toBeCloseTo(byHand.density, 4);
      expect(est.extrapolated).toEqual({ params: false, loss: false });
    });

    it('a second score: S = 0.25 + 0.7/(1 + e) makes ln(c/(S − d) − 1) = ln e = 1', () => {
      // L̂ = 0.5 − (1/−20)·1 = 0.55;  L̂ − b·D0^−β = 0.55 − 0.0133748061 = 0.5366251939
      // N̂ = (0.5366251939 / 50)^−4 = 0.010732503878^−4 = 7.536953e7;  ρ at N = 50M: 1.507391
      const est = estimateDensity(exactCurves, 0.25 + 0.7 / (1 + Math.E), 5e7, 5e12);
      if (!est.defined) throw new Error(est.message);
      expect(est.lossHat).toBeCloseTo(0.55, 12);
      expect(est.effectiveParams).toBeCloseTo(7.536952594753447e7, 0);
      expect(est.density).toBeCloseTo(1.5073905, 6);
    });
  });

  it('round-trips S → N̂ → S through Eqs. 2 and 3 at D = D0', () => {
    for (const score of [0.3, 0.45, 0.6, 0.75, 0.9]) {
      const est = estimateDensity(exactCurves, score, 1e9, DEFAULT_D0_TOKENS);
      if (!est.defined) throw new Error(est.message);
      const loss = predictLoss(exactCurves.loss, est.effectiveParams, DEFAULT_D0_TOKENS);
      expect(predictScore(exactCurves.performance, loss)).toBeCloseTo(score, 10);
    }
  });

  it('density scales as 1/N for a fixed score', () => {
    const small = estimateDensity(exactCurves, 0.6, 1e8, 5e12);
    const large = estimateDensity(exactCurves, 0.6, 4e8, 5e12);
    if (!small.defined || !large.defined) throw new Error('undefined');
    expect(small.density / large.density).toBeCloseTo(4, 12);
  });

  it('gives typed reasons instead of numbers at chance, at the ceiling, or an unreachable loss', () => {
    expect(estimateDensity(exactCurves, 0.25, 1e8, 5e12)).toMatchObject({ defined: false, reason: UndefinedReason.ScoreAtOrBelowChance });
    expect(estimateDensity(exactCurves, 0.2, 1e8, 5e12)).toMatchObject({ defined: false, reason: UndefinedReason.ScoreAtOrBelowChance });
    expect(estimateDensity(exactCurves, 0.95, 1e8, 5e12)).toMatchObject({ defined: false, reason: UndefinedReason.ScoreAtOrAboveCeiling });
    // S = 0.94999: c/(S − d) − 1 = 1.43e−5, ln = −11.16, L̂ = 0.5 − 11.16/20 = −0.058 < b·D0^−β = 0.0134:
    // no reference size trained on 5T tokens gets there.
    expect(estimateDensity(exactCurves, 0.94999, 1e8, 5e12)).toMatchObject({ defined: false, reason: UndefinedReason.LossUnreachableAtD0 });
    expect(effectiveParamsForLoss(exactCurves.loss, 20 * 5e12 ** -0.25, 5e12)).toMatchObject({ defined: false, reason: UndefinedReason.LossUnreachableAtD0 });
    expect(estimateDensity(exactCurves, 0.6, 0, 5e12)).toMatchObject({ defined: false, reason: UndefinedReason.MissingParameterCount });
  });

  it('flags extrapolation beyond the fitted ranges', () => {
    const curves = {
      loss: { params: TRUE_LOSS, domain: { params: [1e7, 1e9] as [number, number] } },
      performance: { params: TRUE_PERF, domain: { loss: [0.3, 0.8] as [number, number] } },
    };
    // S = 0.94: L̂ = 0.5 + ln(0.7/0.69 − 1)/20 = 0.288 < 0.3, and N̂ = ((0.288 − 0.0134)/50)^−4 ≈ 1.1e9 > 1e9
    const est = estimateDensity(curves, 0.94, 1e9, 5e12);
    if (!est.defined) throw new Error(est.message);
    expect(est.extrapolated).toEqual({ params: true, loss: true });
  });
});

describe('the reason a score has no density names the range that has one', () => {
  // Range: (d, S(L = b·D0^−β)) = (0.25, 0.25 + 0.7/(1 + e^(20·(0.0133748 − 0.5)))) = (0.25, 0.95 − 4.2e−5)
  const curves = { loss: { params: TRUE_LOSS }, performance: { params: TRUE_PERF, domain: { loss: [0.3, 0.8] as [number, number], score: [0.26, 0.9] as [number, number] } } };
  it('at chance', () => {
    const est = estimateDensity(curves, 0.2, 1e8, 5e12);
    if (est.defined) throw new Error('defined');
    expect(est.message).toBe("score 0.2 ≤ the curve's lower asymptote (chance level) d = 0.25; the reference's own scores span 0.26–0.9; densities exist for scores in (0.25, 0.95)");
  });
  it('beyond what any size reaches at D0', () => {
    const est = estimateDensity(curves, 0.94999, 1e8, 5e12);
    if (est.defined) throw new Error('defined');
    expect(est.reason).toBe(UndefinedReason.LossUnreachableAtD0);
    expect(est.message).toMatch(/; densities exist for scores in \(0\.25, 0\.95\)$/);
    expect(0.94999).toBeGreaterThan(0.25 + 0.7 / (1 + Math.exp(20 * (20 * 5e12 ** -0.25 - 0.5))));
  });
});

describe('scores within noise of chance', () => {
  const curves = { loss: { params: TRUE_LOSS }, performance: { params: TRUE_PERF } };
  it('has no density when S − d is under 2 standard errors, and one when it is over', () => {
    // d = 0.25: 0.30 ± 0.03 is 1.67 standard errors above chance; 0.30 ± 0.02 is 2.5.
    expect(estimateDensity(curves, 0.3, 1e8, 5e12, 0.03)).toMatchObject({
      defined: false,
      reason: UndefinedReason.ScoreWithinNoiseOfChance,
      message: expect.stringMatching(/^score 0\.3 ± 0\.03 is within 2 standard errors of the chance level d = 0\.25; densities exist for scores in \(0\.25, /),
    });
    expect(estimateDensity(curves, 0.3, 1e8, 5e12, 0.02)).toEqual(estimateDensity(curves, 0.3, 1e8, 5e12));
    expect(estimateDensity(curves, 0.3, 1e8, 5e12, null).defined).toBe(true);
    // at or below chance keeps the more specific reason
    expect(estimateDensity(curves, 0.24, 1e8, 5e12, 0.03)).toMatchObject({ reason: UndefinedReason.ScoreAtOrBelowChance });
  });
});
