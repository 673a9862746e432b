import { UndefinedReason } from '../outcome';
import { SCORE_ONLY_METHOD, fitScoreOnlyCurve, predictScoreFromParams, scoreOnlyDensity } from './score-only-curve';

const truth = { c: 0.6, gamma: 2.5, m: 9.5, d: 0.25 };
const family = [1e8, 3e8, 1e9, 3e9, 7e9, 1.3e10, 3e10, 7e10].map((params) => ({ params, score: predictScoreFromParams({ params: truth }, params) }));

describe('score-only reference curve (the simpler method)', () => {
  const fit = fitScoreOnlyCurve(family);

  it('is labelled as the simpler method and recovers the curve', () => {
    expect(fit.method).toBe(SCORE_ONLY_METHOD);
    expect(fit.method).toContain('simpler method');
    expect(fit.params.m).toBeCloseTo(9.5, 6);
    expect(fit.params.gamma).toBeCloseTo(2.5, 5);
    expect(fit.quality.rSquared).toBeCloseTo(1, 10);
  });

  it('inverts a family member back to its own size (density 1)', () => {
    const est = scoreOnlyDensity(fit, predictScoreFromParams({ params: truth }, 7e9), 7e9);
    if (!est.defined) throw new Error(est.message);
    expect(est.effectiveParams / 7e9).toBeCloseTo(1, 6);
    expect(est.density).toBeCloseTo(1, 6);
  });

  it('a 3B model scoring like the 7B has density 7/3', () => {
    const est = scoreOnlyDensity(fit, predictScoreFromParams({ params: truth }, 7e9), 3e9);
    if (!est.defined) throw new Error(est.message);
    expect(est.density).toBeCloseTo(7 / 3, 5);
  });

  it('has no answer at chance or at the ceiling', () => {
    expect(scoreOnlyDensity(fit, 0.25, 1e9)).toMatchObject({ defined: false, reason: UndefinedReason.ScoreAtOrBelowChance });
    expect(scoreOnlyDensity(fit, 0.86, 1e9)).toMatchObject({ defined: false, reason: UndefinedReason.ScoreAtOrAboveCeiling });
  });
});
