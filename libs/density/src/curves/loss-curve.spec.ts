import { DensityErrorCode } from '../density.exception';
import { seededNormal } from '../fitting/seeded-random';
import { LossPoint, fitLossCurve, predictLoss } from './loss-curve';
import { SIZES, TOKENS_PER_PARAM, TRUE_LOSS } from '../__tests__/synthetic-family';

function points(relNoise: number, seed = 3): LossPoint[] {
  const noise = seededNormal(seed);
  return SIZES.flatMap((n) =>
    TOKENS_PER_PARAM.map((k) => ({ params: n, tokens: k * n, loss: predictLoss({ params: TRUE_LOSS }, n, k * n) * (1 + relNoise * noise()) })),
  );
}

describe('loss curve (Xiao et al. Eq. 2)', () => {
  it('recovers a, α, b, β from exact points', () => {
    const fit = fitLossCurve(points(0));
    expect(fit.params.alpha).toBeCloseTo(TRUE_LOSS.alpha, 6);
    expect(fit.params.beta).toBeCloseTo(TRUE_LOSS.beta, 6);
    expect(fit.params.a / TRUE_LOSS.a).toBeCloseTo(1, 5);
    expect(fit.params.b / TRUE_LOSS.b).toBeCloseTo(1, 5);
    expect(fit.quality).toMatchObject({ n: 20, parameterCount: 4, degreesOfFreedom: 16, converged: true });
    expect(fit.quality.rSquared).toBeCloseTo(1, 10);
    expect(fit.kind).toBe('loss-scaling');
    expect(fit.domain.params).toEqual([1e7, 1e9]);
  });

  it('recovers the curve within tolerance from seeded 0.5% noise, with standard errors', () => {
    const fit = fitLossCurve(points(0.005));
    expect(Math.abs(fit.params.alpha - TRUE_LOSS.alpha)).toBeLessThan(0.03);
    expect(Math.abs(fit.params.beta - TRUE_LOSS.beta)).toBeLessThan(0.05);
    for (const [n, d] of [[5e8, 2e10], [2e9, 1e11], [1e10, 5e12]]) {
      expect(Math.abs(predictLoss(fit, n, d) / predictLoss({ params: TRUE_LOSS }, n, d) - 1)).toBeLessThan(0.02);
    }
    expect(fit.quality.rSquared).toBeGreaterThan(0.99);
    expect(fit.quality.rmse).toBeGreaterThan(0);
    expect(fit.standardErrors!.alpha).toBeGreaterThan(0);
    expect(Math.abs(fit.params.alpha - TRUE_LOSS.alpha)).toBeLessThan(4 * fit.standardErrors!.alpha);
  });

  it('is deterministic and serialises to JSON unchanged', () => {
    const a = fitLossCurve(points(0.005));
    const b = fitLossCurve(points(0.005));
    expect(b).toEqual(a);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('refuses too few points', () => {
    expect(() => fitLossCurve(points(0).slice(0, 4))).toThrow(
      expect.objectContaining({ code: DensityErrorCode.InsufficientData, message: expect.stringContaining('need at least 5 points to fit 4 parameters, got 4') }),
    );
  });

  it('refuses a single token count (b and β cannot be identified) and a single size', () => {
    const oneD = SIZES.map((n) => ({ params: n, tokens: 1e10, loss: predictLoss({ params: TRUE_LOSS }, n, 1e10) }));
    expect(() => fitLossCurve(oneD)).toThrow(expect.objectContaining({ code: DensityErrorCode.DegenerateData, message: expect.stringContaining('token counts') }));
    const oneN = TOKENS_PER_PARAM.concat([80, 100]).map((k) => ({ params: 1e8, tokens: k * 1e8, loss: 1 / k }));
    expect(() => fitLossCurve(oneN)).toThrow(expect.objectContaining({ code: DensityErrorCode.DegenerateData }));
  });

  it('refuses loss that rises with compute, and invalid values', () => {
    const rising = points(0).map((p) => ({ ...p, loss: 1 / p.loss }));
    expect(() => fitLossCurve(rising)).toThrow(expect.objectContaining({ code: DensityErrorCode.NonMonotoneData }));
    const bad = points(0);
    bad[2] = { ...bad[2], params: -5 };
    expect(() => fitLossCurve(bad)).toThrow(expect.objectContaining({ code: DensityErrorCode.InvalidInput, message: expect.stringContaining('params[2]') }));
  });
});
