import { DensityErrorCode } from '../density.exception';
import { UndefinedReason } from '../outcome';
import { estimateDensity } from './effective-size';
import { estimateModelDensity } from './model-density';
import { AVERAGE, assertCalibration, calibrateReference } from './reference-calibration';
import { TRUE_LOSS, TRUE_PERF, syntheticFamily } from '../__tests__/synthetic-family';

const twoBenchmarks = {
  mmlu: { loss: TRUE_LOSS, perf: TRUE_PERF },
  bbh: { loss: { a: 40, alpha: 0.3, b: 25, beta: 0.2 }, perf: { c: 0.8, gamma: -15, l: 0.45, d: 0.1 } },
};

describe('reference calibration over several benchmarks', () => {
  const calibration = calibrateReference(syntheticFamily({ benchmarks: twoBenchmarks, lossNoise: 0.002, scoreNoise: 0.002 }));

  it('fits each benchmark and the AVERAGE panel', () => {
    expect(Object.keys(calibration.benchmarks).sort()).toEqual(['bbh', 'mmlu']);
    expect(calibration.average.benchmarks).toEqual(['bbh', 'mmlu']);
    expect(calibration.benchmarks.bbh.loss.params.alpha).toBeCloseTo(0.3, 1);
    expect(calibration.benchmarks.bbh.performance.params.gamma).toBeLessThan(0);
    expect(calibration.average.performance.direction).toBe('decreasing');
    expect(calibration.average.loss.quality.rSquared).toBeGreaterThan(0.99);
    expect(calibration).toMatchObject({ kind: 'reference-calibration', schemaVersion: 1, d0Tokens: 5e12, family: { name: 'synthetic' } });
  });

  it('survives a JSON round trip (storable as jsonb) and validates on the way back', () => {
    const stored: unknown = JSON.parse(JSON.stringify(calibration));
    assertCalibration(stored);
    expect(stored).toEqual(calibration);
    const est = estimateDensity(stored.benchmarks.mmlu, 0.6, 1e8, stored.d0Tokens);
    expect(est).toEqual(estimateDensity(calibration.benchmarks.mmlu, 0.6, 1e8, calibration.d0Tokens));
  });

  it('rejects stored objects of another kind or schema version', () => {
    expect(() => assertCalibration({ ...calibration, schemaVersion: 2 })).toThrow(expect.objectContaining({ code: DensityErrorCode.UnsupportedSchema }));
    expect(() => assertCalibration({ kind: 'other' })).toThrow(expect.objectContaining({ code: DensityErrorCode.UnsupportedSchema }));
  });

  it('reports per-benchmark densities and the headline from the average score through the AVERAGE curves', () => {
    const report = estimateModelDensity(calibration, { id: 'target-7b', params: 1e8, scores: { mmlu: 0.6, bbh: 0.55 } });
    expect(report.perBenchmark.map((b) => b.benchmark)).toEqual(['bbh', 'mmlu']);
    expect(report.headline.benchmark).toBe(AVERAGE);
    expect(report.headline.score).toBeCloseTo(0.575, 12);
    const mmlu = report.perBenchmark.find((b) => b.benchmark === 'mmlu')!;
    if (!mmlu.estimate.defined || !report.headline.estimate.defined) throw new Error('undefined density');
    expect(mmlu.estimate.density).toBeCloseTo(1.1146, 1);
    expect(report.headline.estimate).toEqual(estimateDensity(calibration.average, 0.575, 1e8, 5e12));
  });

  it('gives typed reasons for missing and out-of-range scores', () => {
    const report = estimateModelDensity(calibration, { id: 'partial', params: 1e8, scores: { mmlu: 0.2 } });
    expect(report.perBenchmark.find((b) => b.benchmark === 'mmlu')!.estimate).toMatchObject({ reason: UndefinedReason.ScoreAtOrBelowChance });
    expect(report.perBenchmark.find((b) => b.benchmark === 'bbh')!).toMatchObject({ score: null, estimate: { reason: UndefinedReason.MissingScore } });
    expect(report.headline.estimate).toMatchObject({ defined: false, reason: UndefinedReason.MissingScore, message: expect.stringContaining('bbh') });
  });

  it('names the benchmark whose fit cannot run', () => {
    const family = syntheticFamily();
    family.performanceModels = family.performanceModels.slice(0, 3);
    expect(() => calibrateReference(family)).toThrow(/mmlu performance curve.*need at least 5 points/);
  });

  it('uses the D0 it is given', () => {
    const at1T = calibrateReference({ ...syntheticFamily(), d0Tokens: 1e12 });
    expect(at1T.d0Tokens).toBe(1e12);
    expect(() => calibrateReference({ ...syntheticFamily(), d0Tokens: -1 })).toThrow(expect.objectContaining({ code: DensityErrorCode.InvalidInput }));
  });
});

describe('the AVERAGE of scores with standard errors', () => {
  it('pools them as the mean of independent scores: √(Σ se²) / k', () => {
    const calibration = calibrateReference(syntheticFamily({ benchmarks: twoBenchmarks }));
    // Both scores 0.035 above the AVERAGE curve's chance level d. Pooled se = √(se² + se²)/2 = se/√2:
    // se 0.02 → 0.01414 (2.47 standard errors above d: a density); se 0.03 → 0.02121 (1.65: none).
    const d = calibration.average.performance.params.d;
    const near = { id: 'near', params: 1e8, scores: { mmlu: d + 0.035, bbh: d + 0.035 } };
    expect(estimateModelDensity(calibration, { ...near, stderrs: { mmlu: 0.02, bbh: 0.02 } }).headline.estimate.defined).toBe(true);
    expect(estimateModelDensity(calibration, { ...near, stderrs: { mmlu: 0.03, bbh: 0.03 } }).headline.estimate).toMatchObject({
      defined: false,
      reason: UndefinedReason.ScoreWithinNoiseOfChance,
    });
    // one benchmark without a standard error: no pooled one, no check
    expect(estimateModelDensity(calibration, { ...near, stderrs: { mmlu: 0.03 } }).headline.estimate.defined).toBe(true);
  });
});
