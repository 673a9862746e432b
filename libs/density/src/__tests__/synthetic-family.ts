// Synthetic reference families generated from known curves, for the tests (not part of the build).
import { LossCurveParams, predictLoss } from '../curves/loss-curve';
import { SigmoidParams, sigmoid } from '../curves/sigmoid';
import { seededNormal } from '../fitting/seeded-random';
import { LossFamilyModel, PerformanceFamilyModel, ReferenceFamilyInput } from '../capability/reference-calibration';

export const TRUE_LOSS: LossCurveParams = { a: 50, alpha: 0.25, b: 20, beta: 0.25 };
export const TRUE_PERF: SigmoidParams = { c: 0.7, gamma: -20, l: 0.5, d: 0.25 };
export const SIZES = [1e7, 3e7, 1e8, 3e8, 1e9];
export const TOKENS_PER_PARAM = [10, 20, 40, 60];
export const PERF_LOSSES = [0.3, 0.36, 0.42, 0.47, 0.52, 0.57, 0.63, 0.7, 0.8];

/** One benchmark's family; `shift` moves both curves so two benchmarks differ. Noise is relative for loss. */
export function syntheticFamily(
  opts: { lossNoise?: number; scoreNoise?: number; seed?: number; benchmarks?: Record<string, { loss: LossCurveParams; perf: SigmoidParams }> } = {},
): ReferenceFamilyInput {
  const benchmarks = opts.benchmarks ?? { mmlu: { loss: TRUE_LOSS, perf: TRUE_PERF } };
  const noise = seededNormal(opts.seed ?? 7);
  const lossModels: LossFamilyModel[] = [];
  for (const n of SIZES) {
    for (const k of TOKENS_PER_PARAM) {
      const losses: Record<string, number> = {};
      for (const [name, curves] of Object.entries(benchmarks)) {
        losses[name] = predictLoss({ params: curves.loss }, n, k * n) * (1 + (opts.lossNoise ?? 0) * noise());
      }
      lossModels.push({ id: `ref-${n}-${k}x`, params: n, tokens: k * n, losses });
    }
  }
  const performanceModels: PerformanceFamilyModel[] = PERF_LOSSES.map((x, i) => {
    const losses: Record<string, number> = {};
    const scores: Record<string, number> = {};
    for (const [name, curves] of Object.entries(benchmarks)) {
      const loss = x + 0.02 * (Object.keys(benchmarks).indexOf(name) % 2); // benchmarks see slightly different losses
      losses[name] = loss;
      scores[name] = sigmoid(curves.perf, loss) + (opts.scoreNoise ?? 0) * noise();
    }
    return { id: `perf-${i}`, losses, scores };
  });
  return { name: 'synthetic', version: 'test', tokenizer: 'synthetic-bpe', lossModels, performanceModels };
}
