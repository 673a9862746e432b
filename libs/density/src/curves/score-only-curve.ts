import { DENSITY_SCHEMA_VERSION, StoredFit } from '../fit-schema';
import { requireFinite } from '../fitting/data-checks';
import { Outcome, UndefinedReason, definedOutcome, undefinedOutcome } from '../outcome';
import { fitSigmoid, inverseSigmoid, sigmoid } from './sigmoid';

/**
 * THE SIMPLER METHOD, not the paper's: a single sigmoid of score against log10(parameters) over a model family
 * with published scores, S = c / (1 + exp(−γ·(log10 N − m))) + d. No losses and no token counts are needed,
 * but it ignores training data (D), so it only makes sense within one family trained alike, and it inherits the
 * family's own training quality as the yardstick. Use the two-step method (Eqs. 2–4) whenever losses exist.
 */
export const SCORE_ONLY_METHOD = 'score-only sigmoid in log10(N) (simpler method, not the two-step Densing Law estimate)';

export interface ScoreOnlyParams {
  c: number;
  gamma: number;
  /** log10 of the parameter count at the curve's midpoint. */
  m: number;
  d: number;
}

export interface ScoreOnlyFit extends StoredFit<'score-only-sigmoid', ScoreOnlyParams> {
  method: typeof SCORE_ONLY_METHOD;
  domain: { params: [number, number]; score: [number, number] };
}

export interface ScoreOnlyPoint {
  params: number;
  score: number;
}

export function fitScoreOnlyCurve(points: readonly ScoreOnlyPoint[], label = 'score-only curve'): ScoreOnlyFit {
  const ns = points.map((p) => p.params);
  requireFinite(ns, `${label}.params`, { positive: true });
  const scores = points.map((p) => p.score);
  const fit = fitSigmoid(ns.map(Math.log10), scores, label);
  const toParams = (p: { c: number; gamma: number; l: number; d: number }): ScoreOnlyParams => ({ c: p.c, gamma: p.gamma, m: p.l, d: p.d });
  return {
    schemaVersion: DENSITY_SCHEMA_VERSION,
    kind: 'score-only-sigmoid',
    method: SCORE_ONLY_METHOD,
    equation: 'S = c / (1 + exp(−γ·(log10 N − m))) + d',
    params: toParams(fit.params),
    standardErrors: fit.standardErrors ? toParams(fit.standardErrors) : null,
    quality: fit.quality,
    warnings: fit.warnings,
    domain: { params: [Math.min(...ns), Math.max(...ns)], score: [Math.min(...scores), Math.max(...scores)] },
  };
}

export function predictScoreFromParams(fit: { params: ScoreOnlyParams }, params: number): number {
  const { c, gamma, m, d } = fit.params;
  return sigmoid({ c, gamma, l: m, d }, Math.log10(params));
}

/** N̂(S) = 10^(m − (1/γ)·ln(c/(S − d) − 1)); density N̂/N. Undefined outside the open range (d, c + d). */
export function scoreOnlyDensity(
  fit: { params: ScoreOnlyParams },
  score: number,
  params: number,
): Outcome<{ effectiveParams: number; density: number }> {
  const { c, gamma, m, d } = fit.params;
  const inv = inverseSigmoid({ c, gamma, l: m, d }, score);
  if (!inv.defined) return inv;
  const effectiveParams = 10 ** inv.x;
  if (!(params > 0)) return undefinedOutcome(UndefinedReason.MissingParameterCount, `parameter count ${params} is not positive`);
  if (!Number.isFinite(effectiveParams)) return undefinedOutcome(UndefinedReason.NonFinite, `N̂ = 10^${inv.x} overflows`);
  return definedOutcome({ effectiveParams, density: effectiveParams / params });
}
