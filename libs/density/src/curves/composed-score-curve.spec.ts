import { DensityErrorCode } from '../density.exception';
import { estimateDensity } from '../capability/effective-size';
import { seededNormal } from '../fitting/seeded-random';
import { ComposedParams, ComposedPoint, composedAsTwoStep, fitComposedScoreCurve, latentLoss, predictComposedScore } from './composed-score-curve';

// A family like Pythia's: 6 sizes, checkpoints from 2M to 300B tokens, scores from chance to ~0.7.
const TRUE: ComposedParams = { a: 400, alpha: 0.3, b: 3e5, beta: 0.55, c: 0.7, l: 1.2, d: 0.25 };
const SIZES = [7e7, 1.6e8, 4e8, 1e9, 2.8e9, 1.2e10];
const TOKENS = [2e6, 3.2e7, 5e8, 2e9, 6e9, 2e10, 6e10, 1.4e11, 3e11];
const D0 = 3e11;

function grid(noise = 0, seed = 3): ComposedPoint[] {
  const rand = seededNormal(seed);
  return SIZES.flatMap((params) => TOKENS.map((tokens) => ({ params, tokens, score: predictComposedScore({ params: TRUE }, params, tokens) + noise * rand() })));
}

describe('composed score curve (Eq. 3 of Eq. 2, fitted on scores)', () => {
  it('S(N, D) by hand: L = a·N^−α + b·D^−β, S = c/(1 + e^(L − l)) + d', () => {
    // N = 1e9: N^−0.3 = 10^−2.7 = 0.00199526; a·N^−α = 0.798105.
    // D = 3e11: ln D = 26.427048, ×0.55 = 14.534877, D^−0.55 = e^−14.534877 = 4.8706e−7; b·D^−β = 0.146118.
    // L = 0.944223; L − l = −0.255777; e^−0.255777 = 0.774330; S = 0.7/1.774330 + 0.25 = 0.644516
    expect(latentLoss(TRUE, 1e9, 3e11)).toBeCloseTo(0.944223, 5);
    expect(predictComposedScore({ params: TRUE }, 1e9, 3e11)).toBeCloseTo(0.644516, 5);
  });

  it('recovers the curve from exact data and converges', () => {
    const fit = fitComposedScoreCurve(grid());
    expect(fit.quality.converged).toBe(true);
    expect(fit.quality.rmse).toBeLessThan(1e-6);
    expect(fit.params.alpha).toBeCloseTo(TRUE.alpha, 3);
    expect(fit.params.beta).toBeCloseTo(TRUE.beta, 3);
    expect(fit.params.c).toBeCloseTo(TRUE.c, 4);
    expect(fit.params.d).toBeCloseTo(TRUE.d, 4);
    expect(fit).toMatchObject({ kind: 'composed-score-scaling', method: 'densing-law-composed-on-scores', schemaVersion: 1 });
    expect(fit.domain.params).toEqual([7e7, 1.2e10]);
    expect(fit.domain.tokens).toEqual([2e6, 3e11]);
  });

  it('reads a member\'s score at D0 back as its own size (Eq. 4 through the composed curves)', () => {
    const fit = fitComposedScoreCurve(grid(0.004));
    for (const n of [1.6e8, 1e9, 2.8e9]) {
      const est = estimateDensity(composedAsTwoStep(fit), predictComposedScore({ params: TRUE }, n, D0), n, D0);
      if (!est.defined) throw new Error(est.message);
      expect(est.density).toBeGreaterThan(0.85);
      expect(est.density).toBeLessThan(1.18);
      expect(est.extrapolated).toEqual({ params: false, loss: false });
    }
  });

  it('never puts the ceiling above a perfect score, and honours another ceiling', () => {
    const fit = fitComposedScoreCurve(grid(0.01));
    expect(fit.params.c + fit.params.d).toBeLessThanOrEqual(1 + 1e-12);
    const percent = fitComposedScoreCurve(grid().map((p) => ({ ...p, score: p.score * 100 })), { scoreCeiling: 100 });
    expect(percent.params.d).toBeCloseTo(25, 2);
    expect(percent.params.c).toBeCloseTo(70, 2);
  });

  it('refuses data that cannot identify it', () => {
    const two = grid().filter((p) => p.params <= 1.6e8);
    expect(() => fitComposedScoreCurve(two)).toThrow(expect.objectContaining({ code: DensityErrorCode.DegenerateData }));
    const flat = grid().map((p, i) => ({ ...p, score: 0.25 + 0.01 * Math.sin(i * 7) }));
    expect(() => fitComposedScoreCurve(flat)).toThrow(expect.objectContaining({ code: DensityErrorCode.NonMonotoneData }));
    expect(() => fitComposedScoreCurve(grid().slice(0, 7))).toThrow(expect.objectContaining({ code: DensityErrorCode.InsufficientData }));
    expect(() => fitComposedScoreCurve([...grid(), { params: 1e9, tokens: 0, score: 0.3 }])).toThrow(expect.objectContaining({ code: DensityErrorCode.InvalidInput }));
  });

  it('starts from given parameters when asked (a refit without one size) and lands on the same optimum', () => {
    const data = grid(0.005);
    const fromGrid = fitComposedScoreCurve(data);
    const fromStart = fitComposedScoreCurve(data, { start: { ...TRUE, alpha: 0.35, beta: 0.5 } });
    expect(fromStart.quality.rss).toBeCloseTo(fromGrid.quality.rss, 8);
  });
});
