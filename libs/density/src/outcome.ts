/**
 * A value the method may legitimately be unable to give (a score at chance has no effective size).
 * Such cases are results, not errors: callers store and display the reason instead of a number.
 */
export enum UndefinedReason {
  /** S ≤ d: at or below the sigmoid's lower asymptote (chance level); the inverse has no solution. */
  ScoreAtOrBelowChance = 'SCORE_AT_OR_BELOW_CHANCE',
  /**
   * S − d < 2 standard errors of S: the score is not distinguishable from the chance level, and the inverse, though
   * it exists, would turn sampling noise into any effective size at all.
   */
  ScoreWithinNoiseOfChance = 'SCORE_WITHIN_NOISE_OF_CHANCE',
  /** S ≥ c + d: at or above the sigmoid's upper asymptote; the inverse has no solution. */
  ScoreAtOrAboveCeiling = 'SCORE_AT_OR_ABOVE_CEILING',
  /** L̂ − b·D0^−β ≤ 0: no reference model trained on D0 tokens reaches that loss at any size. */
  LossUnreachableAtD0 = 'LOSS_UNREACHABLE_AT_D0',
  /** The model has no score for this benchmark (or for one of the AVERAGE's benchmarks). */
  MissingScore = 'MISSING_SCORE',
  /** The model's parameter count is missing, zero or negative. */
  MissingParameterCount = 'MISSING_PARAMETER_COUNT',
  /** Nothing was answered correctly, so "per correct answer" figures do not exist. */
  NoCorrectAnswers = 'NO_CORRECT_ANSWERS',
  /** A denominator (tokens, cost, FLOPs, latency) is zero or missing. */
  ZeroDenominator = 'ZERO_DENOMINATOR',
  /** The arithmetic overflowed or produced NaN (e.g. an absurd extrapolation). */
  NonFinite = 'NON_FINITE',
}

export type Defined<T> = { defined: true } & T;
export interface Undefined {
  defined: false;
  reason: UndefinedReason;
  message: string;
}
/** Either the figures, or a typed reason why there are none. Plain data: serialises to JSON as is. */
export type Outcome<T> = Defined<T> | Undefined;

export function definedOutcome<T extends object>(value: T): Defined<T> {
  return { defined: true, ...value };
}

export function undefinedOutcome(reason: UndefinedReason, message: string): Undefined {
  return { defined: false, reason, message };
}

/** Divides, or explains why not: a zero or non-finite denominator gives ZERO_DENOMINATOR. */
export function ratio(numerator: number, denominator: number, what: string): Outcome<{ value: number }> {
  if (!Number.isFinite(denominator) || denominator <= 0) {
    return undefinedOutcome(UndefinedReason.ZeroDenominator, `${what}: the denominator is ${denominator}`);
  }
  const value = numerator / denominator;
  if (!Number.isFinite(value)) return undefinedOutcome(UndefinedReason.NonFinite, `${what}: ${numerator} / ${denominator} is not finite`);
  return definedOutcome({ value });
}
