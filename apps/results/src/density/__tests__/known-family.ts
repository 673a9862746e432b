// A reference family of exact points of known curves (test helper): the fit gives these parameters back.
import { ReferenceCalibration, calibrateReference } from '@app/density';

export const LOSS = { a: 40, alpha: 0.3, b: 300, beta: 0.3 };
export const PERF = { c: 0.7, gamma: -8, l: 0.5, d: 0.25 };
export const D0 = 5e12;
const lossAt = (n: number, t: number) => LOSS.a * n ** -LOSS.alpha + LOSS.b * t ** -LOSS.beta;
const scoreAt = (loss: number) => PERF.c / (1 + Math.exp(-PERF.gamma * (loss - PERF.l))) + PERF.d;

/** N̂(S) by the closed-form inverse of Eqs. 3 and 2 at D0, with the known parameters. */
export function effectiveParams(score: number): number {
  const lossHat = PERF.l - Math.log(PERF.c / (score - PERF.d) - 1) / PERF.gamma;
  return ((lossHat - LOSS.b * D0 ** -LOSS.beta) / LOSS.a) ** (-1 / LOSS.alpha);
}

/** Two benchmarks with the same curves (so the AVERAGE panel has them too). */
export function knownCalibration(): ReferenceCalibration {
  const members = [[1e7, 2e9], [3e7, 3e9], [1e8, 2e10], [3e8, 2e10], [1e9, 3e11]].map(([n, t], i) => {
    const loss = lossAt(n, t);
    const score = scoreAt(loss);
    return { id: `m${i}`, params: n, tokens: t, losses: { arc_easy: loss, hellaswag: loss }, scores: { arc_easy: score, hellaswag: score } };
  });
  return calibrateReference({ name: 'known', lossModels: members, performanceModels: members });
}
