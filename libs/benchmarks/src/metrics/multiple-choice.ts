/** numpy.argmax: index of the first maximum; a NaN counts as the maximum (first NaN wins). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) return i;
    if (values[i] > values[best]) best = i;
  }
  return best;
}

/** Python len(): code points, not UTF-16 units (a surrogate pair is one code point; a lone surrogate counts as one). */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** lm_eval.api.utils.check_gold_index_error: an index (or indices) into choices, -100 when out of range. */
export function goldIndex(choices: readonly string[], gold: unknown): { gold: number | number[]; error: boolean } {
  if (Array.isArray(gold)) {
    const g = gold.map((x) => (typeof x === 'number' && x < choices.length ? x : typeof x === 'string' && choices.includes(x) ? choices.indexOf(x) : -100));
    return { gold: g, error: g.includes(-100) };
  }
  let g = -100;
  if (typeof gold === 'number' && Number.isInteger(gold)) g = gold < choices.length ? gold : -100;
  else if (typeof gold === 'boolean') g = Number(gold) < choices.length ? Number(gold) : -100;
  else if (typeof gold === 'string') g = choices.indexOf(gold);
  return { gold: g, error: g === -100 };
}

export interface MultipleChoiceScores {
  acc: number;
  acc_norm: number;
  acc_bytes: number;
  exact_match: number;
  acc_mutual_info?: number;
  brier_score: number;
}

/**
 * lm-evaluation-harness's multiple-choice process_results (api/task.py): with lls the summed
 * log-probabilities of " " + choice,
 * acc = argmax(lls) == gold; acc_norm = argmax(lls / len(choice)) == gold (code points of the choice
 * text, without the delimiter); acc_bytes likewise by UTF-8 length; exact_match = is_greedy[gold];
 * acc_mutual_info = argmax(ll_conditional − ll_unconditional) == gold; brier_score =
 * Σ (softmax(lls) − onehot(gold))². Several gold indices: correct if the prediction is any of them.
 */
export function multipleChoiceScores(
  lls: readonly number[],
  isGreedy: readonly boolean[],
  choices: readonly string[],
  gold: number | readonly number[],
  unconditional?: readonly number[],
): MultipleChoiceScores {
  if (lls.length !== choices.length) throw new Error(`got ${lls.length} log-likelihoods for ${choices.length} choices`);
  const pred = argmax(lls);
  const predNorm = argmax(lls.map((ll, i) => ll / charLength(choices[i])));
  const predBytes = argmax(lls.map((ll, i) => ll / byteLength(choices[i])));
  const hit = (p: number) => (Array.isArray(gold) ? (gold as number[]).includes(p) : p === gold) ? 1 : 0;
  const at = <T>(xs: readonly T[], i: number): T | undefined => xs[i < 0 ? xs.length + i : i];
  const exact = Array.isArray(gold)
    ? (gold as number[]).some((g) => g !== -100 && at(isGreedy, g))
      ? 1
      : 0
    : gold !== -100 && at(isGreedy, gold as number)
      ? 1
      : 0;
  const max = Math.max(...lls);
  const exps = lls.map((ll) => Math.exp(ll - max));
  const z = exps.reduce((a, b) => a + b, 0);
  const goldSet = new Set(Array.isArray(gold) ? (gold as number[]) : [gold as number]);
  const brier = exps.reduce((acc, e, i) => acc + (e / z - (goldSet.has(i) ? 1 : 0)) ** 2, 0);
  const out: MultipleChoiceScores = { acc: hit(pred), acc_norm: hit(predNorm), acc_bytes: hit(predBytes), exact_match: exact, brier_score: brier };
  if (unconditional) {
    if (unconditional.length !== choices.length) throw new Error(`got ${unconditional.length} unconditional log-likelihoods for ${choices.length} choices`);
    out.acc_mutual_info = hit(argmax(lls.map((ll, i) => ll - unconditional[i])));
  }
  return out;
}

/** Back-compatible: acc, acc_norm, acc_bytes for one gold index. */
export function multipleChoiceMetrics(lls: readonly number[], choices: readonly string[], gold: number): { acc: number; acc_norm: number; acc_bytes: number } {
  const s = multipleChoiceScores(lls, lls.map(() => false), choices, gold);
  return { acc: s.acc, acc_norm: s.acc_norm, acc_bytes: s.acc_bytes };
}

/**
 * TruthfulQA MC2 (lm-eval tasks/truthfulqa/utils.py process_results_mc2): the normalized probability
 * mass of the true answers, which come first in mc2_targets (labels 1…1 then 0…0).
 */
export function truthfulqaMc2(lls: readonly number[], labels: readonly number[]): number {
  const split = labels.indexOf(0);
  if (split < 0) throw new Error('mc2_targets.labels has no false answer (0)');
  const p = lls.map((ll) => Math.exp(ll));
  const pTrue = p.slice(0, split);
  const pFalse = p.slice(split);
  const total = pTrue.reduce((a, b) => a + b, 0) + pFalse.reduce((a, b) => a + b, 0);
  return pTrue.map((x) => x / total).reduce((a, b) => a + b, 0);
}
