import { AVERAGE, BenchmarkCurves, ReferenceCalibration } from './reference-calibration';

const curveQuality = (c: BenchmarkCurves) => ({
  loss: { ...c.loss.quality, params: c.loss.params, standardErrors: c.loss.standardErrors },
  performance: { ...c.performance.quality, params: c.performance.params, standardErrors: c.performance.standardErrors },
  ...(c.validation
    ? {
        validation: {
          method: c.validation.method,
          validated: c.validation.validated,
          heldOutRmse: c.validation.rmse,
          typicalFactor: c.validation.typicalFactor,
          worstFactor: c.validation.worstFactor,
        },
      }
    : {}),
});

/** Benchmark (and AVERAGE) → the fits' quality, parameters and, for the composed method, their validation. */
export function calibrationQuality(calibration: ReferenceCalibration): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [b, c] of Object.entries(calibration.benchmarks)) out[b] = curveQuality(c);
  out[AVERAGE] = curveQuality(calibration.average);
  return out;
}

/** Every distinct warning of the calibration's fits, and why benchmarks were left out. */
export function calibrationWarnings(calibration: ReferenceCalibration): string[] {
  const curves = [...Object.values(calibration.benchmarks), calibration.average];
  const excluded = Object.entries(calibration.excluded ?? {}).map(([b, reason]) => `${b} left out: ${reason}`);
  const failed = Object.entries(calibration.benchmarks)
    .filter(([, c]) => c.validation && !c.validation.validated)
    .map(([b]) => `${b}: not validated (${calibration.benchmarks[b].validation!.rule}); its densities are indicative only`);
  return [...new Set([...curves.flatMap((c) => [...c.loss.warnings, ...c.performance.warnings]), ...calibration.average.warnings, ...excluded, ...failed])];
}
