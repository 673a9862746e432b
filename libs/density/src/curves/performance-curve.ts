import { DENSITY_SCHEMA_VERSION, StoredFit } from '../fit-schema';
import { Direction } from '../fitting/data-checks';
import { Outcome, definedOutcome } from '../outcome';
import { SigmoidParams, fitSigmoid, inverseSigmoid, sigmoid } from './sigmoid';

/** A well-trained model sharing the reference family's tokenizer: its conditional loss and its score. */
export interface PerformancePoint {
  loss: number;
  score: number;
}

export interface PerformanceFit extends StoredFit<'performance-sigmoid', SigmoidParams> {
  /** 'decreasing' (γ < 0, the usual case): the score falls as the loss rises. */
  direction: Direction;
  domain: { loss: [number, number]; score: [number, number] };
}

export const PERFORMANCE_EQUATION =
  'S = c / (1 + exp(−γ·(L − l))) + d, c > 0 (Xiao et al., Densing Law of LLMs, Eq. 3); ' +
  'd = chance level, c + d = ceiling; γ < 0 when the score falls as the loss rises';

/**
 * Fits Xiao et al. Eq. 3 on (loss, score) pairs. The sign of γ is whatever the data gives (see sigmoid.ts);
 * scores are used in the units given (0–1 or 0–100), and every later score must use the same units.
 */
export function fitPerformanceCurve(points: readonly PerformancePoint[], label = 'performance curve'): PerformanceFit {
  const losses = points.map((p) => p.loss);
  const scores = points.map((p) => p.score);
  const fit = fitSigmoid(losses, scores, label);
  return {
    schemaVersion: DENSITY_SCHEMA_VERSION,
    kind: 'performance-sigmoid',
    equation: PERFORMANCE_EQUATION,
    params: fit.params,
    standardErrors: fit.standardErrors,
    quality: fit.quality,
    warnings: fit.warnings,
    direction: fit.direction,
    domain: { loss: [Math.min(...losses), Math.max(...losses)], score: [Math.min(...scores), Math.max(...scores)] },
  };
}

/** Xiao et al. Eq. 3. */
export function predictScore(fit: { params: SigmoidParams }, loss: number): number {
  return sigmoid(fit.params, loss);
}

/**
 * L̂(S) = l − (1/γ)·ln(c/(S − d) − 1), the first half of Xiao et al. Eq. 4. Undefined (with the reason) for
 * scores at or below chance d, or at or above the ceiling c + d.
 */
export function lossForScore(fit: { params: SigmoidParams }, score: number): Outcome<{ loss: number }> {
  const inv = inverseSigmoid(fit.params, score);
  return inv.defined ? definedOutcome({ loss: inv.x }) : inv;
}
