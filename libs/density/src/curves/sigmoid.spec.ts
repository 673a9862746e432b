import { DensityErrorCode } from '../density.exception';
import { seededNormal } from '../fitting/seeded-random';
import { UndefinedReason } from '../outcome';
import { fitSigmoid, inverseSigmoid, sigmoid, SigmoidParams } from './sigmoid';

const truth: SigmoidParams = { c: 0.7, gamma: -20, l: 0.5, d: 0.25 };

function noisyPoints(n: number, sd: number, seed: number) {
  const noise = seededNormal(seed);
  const xs = Array.from({ length: n }, (_, i) => 0.2 + (0.6 * i) / (n - 1));
  return { xs, ys: xs.map((x) => sigmoid(truth, x) + sd * noise()) };
}

describe('sigmoid (Xiao et al. Eq. 3)', () => {
  it('recovers known parameters from exact points', () => {
    const { xs, ys } = noisyPoints(12, 0, 1);
    const fit = fitSigmoid(xs, ys, 'exact');
    expect(fit.params.c).toBeCloseTo(truth.c, 6);
    expect(fit.params.gamma).toBeCloseTo(truth.gamma, 4);
    expect(fit.params.l).toBeCloseTo(truth.l, 6);
    expect(fit.params.d).toBeCloseTo(truth.d, 6);
    expect(fit.quality.rSquared).toBeCloseTo(1, 10);
    expect(fit.quality.converged).toBe(true);
    expect(fit.direction).toBe('decreasing');
  });

  it('recovers known parameters within tolerance from seeded noisy points, with standard errors', () => {
    const { xs, ys } = noisyPoints(25, 0.005, 42);
    const fit = fitSigmoid(xs, ys, 'noisy');
    expect(Math.abs(fit.params.c - truth.c)).toBeLessThan(0.03);
    expect(Math.abs(fit.params.gamma - truth.gamma) / 20).toBeLessThan(0.1);
    expect(Math.abs(fit.params.l - truth.l)).toBeLessThan(0.02);
    expect(Math.abs(fit.params.d - truth.d)).toBeLessThan(0.02);
    expect(fit.quality.rSquared).toBeGreaterThan(0.99);
    expect(fit.quality.rmse).toBeGreaterThan(0.002);
    expect(fit.quality.rmse).toBeLessThan(0.008);
    expect(fit.standardErrors).not.toBeNull();
    // the true value lies within 4 standard errors
    expect(Math.abs(fit.params.l - truth.l)).toBeLessThan(4 * fit.standardErrors!.l);
  });

  it('fits an increasing curve with γ > 0 (the data picks the sign)', () => {
    const up: SigmoidParams = { c: 0.6, gamma: 3, l: 1, d: 0.1 };
    const xs = Array.from({ length: 10 }, (_, i) => -1 + (4 * i) / 9);
    const fit = fitSigmoid(xs, xs.map((x) => sigmoid(up, x)), 'up');
    expect(fit.params.gamma).toBeCloseTo(3, 4);
    expect(fit.direction).toBe('increasing');
  });

  it('inverts S → x → S', () => {
    for (const s of [0.26, 0.4, 0.6, 0.9, 0.949]) {
      const inv = inverseSigmoid(truth, s);
      if (!inv.defined) throw new Error(inv.message);
      expect(sigmoid(truth, inv.x)).toBeCloseTo(s, 12);
    }
  });

  it('gives no value at or below chance and at or above the ceiling', () => {
    expect(inverseSigmoid(truth, 0.25)).toMatchObject({ defined: false, reason: UndefinedReason.ScoreAtOrBelowChance });
    expect(inverseSigmoid(truth, 0.1)).toMatchObject({ defined: false, reason: UndefinedReason.ScoreAtOrBelowChance });
    expect(inverseSigmoid(truth, 0.95)).toMatchObject({ defined: false, reason: UndefinedReason.ScoreAtOrAboveCeiling });
    expect(inverseSigmoid(truth, 1)).toMatchObject({ defined: false, reason: UndefinedReason.ScoreAtOrAboveCeiling });
    expect(inverseSigmoid(truth, Number.NaN)).toMatchObject({ defined: false, reason: UndefinedReason.NonFinite });
  });

  it('refuses too few points, flat scores and trendless data', () => {
    expect(() => fitSigmoid([1, 2, 3, 4], [1, 2, 3, 4], 't')).toThrow(
      expect.objectContaining({ code: DensityErrorCode.InsufficientData, message: expect.stringContaining('need at least 5 points') }),
    );
    expect(() => fitSigmoid([1, 2, 3, 4, 5], [0.3, 0.3, 0.3, 0.3, 0.3], 't')).toThrow(
      expect.objectContaining({ code: DensityErrorCode.DegenerateData }),
    );
    expect(() => fitSigmoid([1, 2, 3, 4, 5, 6], [0.3, 0.6, 0.2, 0.7, 0.25, 0.5], 't')).toThrow(
      expect.objectContaining({ code: DensityErrorCode.NonMonotoneData }),
    );
  });
});
