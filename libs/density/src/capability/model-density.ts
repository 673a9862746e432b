import { Outcome, UndefinedReason, undefinedOutcome } from '../outcome';
import { EffectiveSize, estimateDensity } from './effective-size';
import { AVERAGE, ReferenceCalibration } from './reference-calibration';

/** A model to measure: its real parameter count and its scores (same units as the calibration's). */
export interface TargetModel {
  id: string;
  params: number;
  scores: Record<string, number>;
  /** Standard errors of the scores, where known: a score within 2 of them of chance gets no density. */
  stderrs?: Record<string, number | null | undefined>;
}

export interface BenchmarkDensity {
  benchmark: string;
  score: number | null;
  estimate: Outcome<EffectiveSize>;
}

export interface ModelDensityReport {
  modelId: string;
  params: number;
  d0Tokens: number;
  perBenchmark: BenchmarkDensity[];
  /** The headline: the AVERAGE score through the AVERAGE curves (the paper's AVERAGE panel). */
  headline: BenchmarkDensity;
}

const missing = (what: string) => undefinedOutcome(UndefinedReason.MissingScore, what);

/** Density per calibrated benchmark, and the headline from the mean score over the AVERAGE's benchmarks. */
export function estimateModelDensity(calibration: ReferenceCalibration, model: TargetModel): ModelDensityReport {
  const perBenchmark = Object.entries(calibration.benchmarks).map(([benchmark, curves]): BenchmarkDensity => {
    const score = model.scores[benchmark];
    if (typeof score !== 'number') return { benchmark, score: null, estimate: missing(`${model.id} has no ${benchmark} score`) };
    return { benchmark, score, estimate: estimateDensity(curves, score, model.params, calibration.d0Tokens, model.stderrs?.[benchmark]) };
  });
  const needed = calibration.average.benchmarks;
  const absent = needed.filter((b) => typeof model.scores[b] !== 'number');
  const headline: BenchmarkDensity = absent.length
    ? { benchmark: AVERAGE, score: null, estimate: missing(`no score on ${absent.join(', ')}: the ${AVERAGE} needs all of ${needed.join(', ')}`) }
    : (() => {
        const score = needed.reduce((s, b) => s + model.scores[b], 0) / needed.length;
        // The mean of independent scores: se = √(Σ se²) / k, when every benchmark has one.
        const ses = needed.map((b) => model.stderrs?.[b]);
        const stderr = ses.every((v) => typeof v === 'number') ? Math.sqrt(ses.reduce((s, v) => s + v! ** 2, 0)) / needed.length : null;
        return { benchmark: AVERAGE, score, estimate: estimateDensity(calibration.average, score, model.params, calibration.d0Tokens, stderr) };
      })();
  return { modelId: model.id, params: model.params, d0Tokens: calibration.d0Tokens, perBenchmark, headline };
}
