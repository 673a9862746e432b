import { DensityErrorCode, DensityException } from '../density.exception';
import { LossFit } from '../curves/loss-curve';
import { PerformanceFit } from '../curves/performance-curve';
import { COMPOSED_METHOD, ComposedScoreFit, composedAsTwoStep, fitComposedScoreCurve } from '../curves/composed-score-curve';
import { DENSITY_SCHEMA_VERSION } from '../fit-schema';
import { AVERAGE, BenchmarkCurves, ReferenceCalibration } from './reference-calibration';
import { MemberPoint, SizeValidation, validateBySize } from './size-validation';

/** One checkpoint of one family member: N, the tokens it had seen, and its scores. */
export interface GridObservation {
  member: string;
  params: number;
  tokens: number;
  scores: Record<string, number>;
}

export interface ScoreGridInput {
  name: string;
  version?: string;
  /** D0: the family's full training budget, at which scores are read back as sizes (Eq. 4). */
  d0Tokens: number;
  /** Benchmarks to calibrate, each fitted on its own. */
  benchmarks: string[];
  /** The AVERAGE is over those of these that pass validation (default: every benchmark). */
  averageCandidates?: string[];
  observations: GridObservation[];
  /** The score ceiling (1 for fractions). */
  scoreCeiling?: number;
}

const LATENT_LOSS_EQUATION = 'L(N, D) = a·N^(−α) + b·D^(−β): Xiao et al. Eq. 2 as a latent loss in logit units, read from the composed fit';
const LATENT_PERFORMANCE_EQUATION = 'S = c / (1 + exp(L − l)) + d: Xiao et al. Eq. 3 with γ = −1, read from the composed fit';

/** The composed fit as the calibration's two curves (what estimateDensity inverts), with the fit and its validation. */
function asCurves(fit: ComposedScoreFit, validation: SizeValidation): BenchmarkCurves {
  const two = composedAsTwoStep(fit);
  const se = fit.standardErrors;
  const loss: LossFit = {
    schemaVersion: DENSITY_SCHEMA_VERSION,
    kind: 'loss-scaling',
    equation: LATENT_LOSS_EQUATION,
    params: two.loss.params,
    standardErrors: se ? { a: se.a, alpha: se.alpha, b: se.b, beta: se.beta } : null,
    quality: fit.quality,
    warnings: fit.warnings,
    domain: { params: fit.domain.params, tokens: fit.domain.tokens, loss: fit.domain.latentLoss },
  };
  const performance: PerformanceFit = {
    schemaVersion: DENSITY_SCHEMA_VERSION,
    kind: 'performance-sigmoid',
    equation: LATENT_PERFORMANCE_EQUATION,
    params: two.performance.params,
    standardErrors: se ? { c: se.c, gamma: 0, l: se.l, d: se.d } : null,
    quality: fit.quality,
    warnings: [],
    direction: 'decreasing',
    domain: { loss: fit.domain.latentLoss, score: fit.domain.score },
  };
  return { loss, performance, composed: fit, validation };
}

function fitAndValidate(points: MemberPoint[], d0Tokens: number, label: string, ceiling?: number): BenchmarkCurves {
  const fit = fitComposedScoreCurve(points, { label, scoreCeiling: ceiling });
  return asCurves(fit, validateBySize(points, fit, d0Tokens, label));
}

/**
 * Calibrates a reference family from scores alone (the composed method, composed-score-curve.ts): per benchmark the
 * composed fit over every (N, D) observation and its leave-one-size-out validation; benchmarks that cannot be
 * fitted (no trend, too few points) are listed in `excluded` with the reason. The AVERAGE is the composed fit of
 * the mean score over the validated candidates, at the observations that have all of them.
 */
export function calibrateFromScores(input: ScoreGridInput): ReferenceCalibration {
  if (!(input.d0Tokens > 0) || !Number.isFinite(input.d0Tokens)) {
    throw new DensityException(DensityErrorCode.InvalidInput, `d0Tokens must be a positive number, got ${input.d0Tokens}`);
  }
  if (input.benchmarks.includes(AVERAGE)) throw new DensityException(DensityErrorCode.InvalidInput, `'${AVERAGE}' is reserved`);
  const benchmarks: Record<string, BenchmarkCurves> = {};
  const excluded: Record<string, string> = {};
  for (const b of input.benchmarks) {
    const points = input.observations
      .filter((o) => typeof o.scores[b] === 'number' && Number.isFinite(o.scores[b]))
      .map((o) => ({ member: o.member, params: o.params, tokens: o.tokens, score: o.scores[b] }));
    try {
      benchmarks[b] = fitAndValidate(points, input.d0Tokens, b, input.scoreCeiling);
    } catch (err) {
      if (!(err instanceof DensityException)) throw err;
      excluded[b] = err.message;
    }
  }
  const candidates = input.averageCandidates ?? input.benchmarks;
  const averaged = candidates.filter((b) => benchmarks[b]?.validation?.validated);
  if (averaged.length === 0) {
    throw new DensityException(DensityErrorCode.InsufficientData, `no benchmark of ${candidates.join(', ')} passed validation: there is no ${AVERAGE}`);
  }
  const points = input.observations
    .filter((o) => averaged.every((b) => typeof o.scores[b] === 'number'))
    .map((o) => ({ member: o.member, params: o.params, tokens: o.tokens, score: averaged.reduce((s, b) => s + o.scores[b], 0) / averaged.length }));
  const average = fitAndValidate(points, input.d0Tokens, AVERAGE, input.scoreCeiling);
  const dropped = input.observations.length - points.length;
  return {
    schemaVersion: DENSITY_SCHEMA_VERSION,
    kind: 'reference-calibration',
    method: COMPOSED_METHOD,
    family: { name: input.name, version: input.version },
    d0Tokens: input.d0Tokens,
    benchmarks,
    excluded,
    average: {
      ...average,
      benchmarks: averaged,
      warnings: dropped > 0 ? [`${AVERAGE}: ${dropped} observation(s) without every benchmark left out`] : [],
    },
  };
}
