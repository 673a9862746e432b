import { LossCurveParams } from '../curves/loss-curve';
import { lossForScore } from '../curves/performance-curve';
import { sigmoid } from '../curves/sigmoid';
import { SigmoidParams } from '../curves/sigmoid';
import { Outcome, Undefined, UndefinedReason, definedOutcome, undefinedOutcome } from '../outcome';

/**
 * D0, the training-token budget at which the reference family is read off (Eq. 4). The published journal
 * version (Nature Machine Intelligence 7, 1823–1833, 2025) uses 5T tokens; the arXiv v2 preprint used 1T.
 * Densities from different D0 are not comparable, so D0 is stored with every calibration.
 */
export const DEFAULT_D0_TOKENS = 5e12;

/** The two fitted curves of one benchmark (or of the AVERAGE), as stored; only the parameters are read here. */
export interface TwoStepCurves {
  loss: { params: LossCurveParams; domain?: { params: [number, number] } };
  performance: { params: SigmoidParams; domain?: { loss: [number, number]; score?: [number, number] } };
}

export interface EffectiveSize {
  /** L̂(S): the loss a reference model needs for the score (Eq. 4, left). */
  lossHat: number;
  /** N̂(S): the reference size that reaches L̂ when trained on D0 tokens (Eq. 4, right). */
  effectiveParams: number;
  /** ρ = N̂(S)/N (Eq. 1). */
  density: number;
  /** N̂ outside the loss family's sizes, or L̂ outside the performance fit's losses: an extrapolation. */
  extrapolated: { params: boolean; loss: boolean };
}

/**
 * N̂ = ((L̂ − b·D0^−β) / a)^(−1/α), the right half of Xiao et al. Eq. 4. Undefined when L̂ − b·D0^−β ≤ 0:
 * then no reference model trained on D0 tokens reaches L̂, at any size.
 */
export function effectiveParamsForLoss(
  loss: { params: LossCurveParams },
  lossHat: number,
  d0Tokens: number,
): Outcome<{ effectiveParams: number }> {
  const { a, alpha, b, beta } = loss.params;
  const reducible = lossHat - b * d0Tokens ** -beta;
  if (!(reducible > 0)) {
    return undefinedOutcome(
      UndefinedReason.LossUnreachableAtD0,
      `L̂ = ${lossHat} is at or below the data term b·D0^−β = ${b * d0Tokens ** -beta} (D0 = ${d0Tokens} tokens)`,
    );
  }
  const effectiveParams = (reducible / a) ** (-1 / alpha);
  if (!Number.isFinite(effectiveParams) || effectiveParams <= 0) {
    return undefinedOutcome(UndefinedReason.NonFinite, `N̂ = ((${reducible}) / ${a})^(−1/${alpha}) is not a finite size`);
  }
  return definedOutcome({ effectiveParams });
}

/** A score closer to the chance level than this many of its standard errors has no density (SCORE_WITHIN_NOISE_OF_CHANCE). */
export const CHANCE_MARGIN_STDERRS = 2;

/**
 * Capability density of one model on one benchmark: S → L̂ (Eq. 4 left, inverse of Eq. 3) → N̂ (Eq. 4 right,
 * inverse of Eq. 2 at D = D0) → ρ = N̂/N (Eq. 1). Scores outside the sigmoid's open range, or an unreachable
 * L̂, give a typed undefined result, never a number. With the score's standard error, a score within
 * CHANCE_MARGIN_STDERRS of the chance level has none either: near d the inverse is so steep that noise decides N̂.
 */
export function estimateDensity(
  curves: TwoStepCurves,
  score: number,
  params: number,
  d0Tokens: number,
  scoreStderr?: number | null,
): Outcome<EffectiveSize> {
  if (!(params > 0) || !Number.isFinite(params)) {
    return undefinedOutcome(UndefinedReason.MissingParameterCount, `parameter count ${params} is not a positive number`);
  }
  const chance = curves.performance.params.d; // the lower asymptote (c > 0 by convention)
  if (typeof scoreStderr === 'number' && scoreStderr > 0 && score > chance && score - chance < CHANCE_MARGIN_STDERRS * scoreStderr) {
    const margin = `score ${short(score)} ± ${short(scoreStderr)} is within ${CHANCE_MARGIN_STDERRS} standard errors of the chance level d = ${short(chance)}`;
    return withScoreRange(undefinedOutcome(UndefinedReason.ScoreWithinNoiseOfChance, margin), curves, d0Tokens);
  }
  const lossHat = lossForScore(curves.performance, score);
  if (!lossHat.defined) return withScoreRange(lossHat, curves, d0Tokens);
  const size = effectiveParamsForLoss(curves.loss, lossHat.loss, d0Tokens);
  if (!size.defined) return withScoreRange(size, curves, d0Tokens);
  const paramRange = curves.loss.domain?.params;
  const lossRange = curves.performance.domain?.loss;
  return definedOutcome({
    lossHat: lossHat.loss,
    effectiveParams: size.effectiveParams,
    density: size.effectiveParams / params,
    extrapolated: {
      params: paramRange ? size.effectiveParams < paramRange[0] || size.effectiveParams > paramRange[1] : false,
      loss: lossRange ? lossHat.loss < lossRange[0] || lossHat.loss > lossRange[1] : false,
    },
  });
}

const short = (v: number) => Number(v.toPrecision(4)).toString();

/**
 * Adds to a reason the reference's own score range and the scores that have a density: between the chance level and
 * what an infinitely large reference model trained on D0 tokens scores (L = b·D0^−β), so a score at chance or beyond
 * the family reads as such.
 */
function withScoreRange(outcome: Undefined, curves: TwoStepCurves, d0Tokens: number): Undefined {
  const range = curves.performance.domain?.score;
  const p = curves.performance.params;
  const best = sigmoid(p, curves.loss.params.b * d0Tokens ** -curves.loss.params.beta);
  const worst = p.gamma < 0 ? p.d : p.c + p.d;
  const [lo, hi] = [Math.min(best, worst), Math.max(best, worst)];
  const scores = range ? `the reference's own scores span ${short(range[0])}–${short(range[1])}` : null;
  return { ...outcome, message: [outcome.message, scores, `densities exist for scores in (${short(lo)}, ${short(hi)})`].filter(Boolean).join('; ') };
}
