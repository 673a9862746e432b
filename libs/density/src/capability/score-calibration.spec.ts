import { ComposedParams, predictComposedScore } from '../curves/composed-score-curve';
import { seededNormal } from '../fitting/seeded-random';
import { estimateModelDensity } from './model-density';
import { AVERAGE, assertCalibration } from './reference-calibration';
import { GridObservation, calibrateFromScores } from './score-calibration';
import { VALIDATION_LIMITS } from './size-validation';

const SIZES = [7e7, 1.6e8, 4e8, 1e9, 2.8e9, 6.9e9, 1.2e10];
const TOKENS = [2e6, 3.2e7, 5e8, 2e9, 6e9, 2e10, 6e10, 1.4e11, 3e11];
const D0 = 3e11;
const CURVES: Record<string, ComposedParams> = {
  easy: { a: 400, alpha: 0.3, b: 3e5, beta: 0.55, c: 0.7, l: 1.2, d: 0.25 },
  hard: { a: 900, alpha: 0.35, b: 2e5, beta: 0.5, c: 0.6, l: 0.3, d: 0.2 },
};

function family(seed = 5): GridObservation[] {
  const rand = seededNormal(seed);
  return SIZES.flatMap((params) =>
    TOKENS.map((tokens) => ({
      member: `m-${params}`,
      params,
      tokens,
      scores: {
        easy: predictComposedScore({ params: CURVES.easy }, params, tokens) + 0.005 * rand(),
        hard: predictComposedScore({ params: CURVES.hard }, params, tokens) + 0.005 * rand(),
        // no trend at all: chance plus noise
        noise: 0.25 + 0.01 * rand(),
      },
    })),
  );
}

describe('calibration from scores (composed method) with leave-one-size-out validation', () => {
  const calibration = calibrateFromScores({ name: 'synthetic', d0Tokens: D0, benchmarks: ['easy', 'hard', 'noise'], observations: family() });

  it('fits each benchmark with a trend, excludes the one without, and names the method', () => {
    expect(calibration.method).toBe('densing-law-composed-on-scores');
    expect(Object.keys(calibration.benchmarks).sort()).toEqual(['easy', 'hard']);
    expect(calibration.excluded).toEqual({ noise: expect.stringContaining('expected increasing values') });
    expect(calibration.benchmarks.easy.composed!.quality.converged).toBe(true);
    expect(calibration.benchmarks.easy.performance.params.gamma).toBe(-1);
  });

  it('validates benchmarks whose held-out sizes come back near their own size', () => {
    const v = calibration.benchmarks.easy.validation!;
    expect(v.method).toBe('leave-one-size-out');
    expect(v.sizes).toHaveLength(SIZES.length);
    expect(v.sizes.filter((s) => s.interior)).toHaveLength(SIZES.length - 2);
    expect(v.validated).toBe(true);
    expect(v.typicalFactor!).toBeLessThan(1.3);
    expect(v.worstFactor!).toBeLessThanOrEqual(VALIDATION_LIMITS.worstFactor);
    expect(v.rmse!).toBeLessThan(0.01);
    for (const s of v.sizes.filter((x) => x.interior)) expect(Math.abs(Math.log(s.atD0!.density!))).toBeLessThan(Math.log(1.5));
  });

  it('averages the validated benchmarks for the AVERAGE, and stores as JSON that validates on the way back', () => {
    expect(calibration.average.benchmarks).toEqual(['easy', 'hard']);
    expect(calibration.average.validation!.validated).toBe(true);
    const stored: unknown = JSON.parse(JSON.stringify(calibration));
    assertCalibration(stored);
    const report = estimateModelDensity(stored, { id: 'target', params: 1e9, scores: { easy: 0.6, hard: 0.45 } });
    expect(report.headline.benchmark).toBe(AVERAGE);
    expect(report.headline.estimate.defined).toBe(true);
    const easy = report.perBenchmark.find((b) => b.benchmark === 'easy')!;
    if (!easy.estimate.defined) throw new Error(easy.estimate.message);
    // the score the true curve gives a 1e9 model at D0 reads back as about 1e9
    const own = estimateModelDensity(stored, { id: 'own', params: 1e9, scores: { easy: predictComposedScore({ params: CURVES.easy }, 1e9, D0) } });
    const ownEasy = own.perBenchmark.find((b) => b.benchmark === 'easy')!.estimate;
    if (!ownEasy.defined) throw new Error(ownEasy.message);
    expect(ownEasy.density).toBeGreaterThan(0.8);
    expect(ownEasy.density).toBeLessThan(1.25);
  });

  it('fails a benchmark whose held-out sizes come back far off', () => {
    // The largest sizes' scores pulled down: the curve cannot follow them, so sizes left out read back badly.
    const bent = family(9).map((o) => (o.params >= 2.8e9 ? { ...o, scores: { ...o.scores, easy: o.scores.easy - 0.1 * (o.tokens / D0) } } : o));
    const c = calibrateFromScores({ name: 'bent', d0Tokens: D0, benchmarks: ['easy', 'hard'], observations: bent });
    expect(c.benchmarks.easy.validation!.validated).toBe(false);
    expect(c.average.benchmarks).toEqual(['hard']);
  });

  it('refuses when no candidate of the AVERAGE passes validation', () => {
    expect(() => calibrateFromScores({ name: 'x', d0Tokens: D0, benchmarks: ['noise'], observations: family() })).toThrow(/no benchmark of noise passed validation/);
    expect(() => calibrateFromScores({ name: 'x', d0Tokens: 0, benchmarks: ['easy'], observations: family() })).toThrow(/d0Tokens/);
    expect(() => calibrateFromScores({ name: 'x', d0Tokens: D0, benchmarks: ['AVERAGE'], observations: family() })).toThrow(/reserved/);
  });
});
