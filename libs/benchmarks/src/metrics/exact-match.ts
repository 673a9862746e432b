import { compilePyRegex, pySub } from '../python/regex';
import { PY_PUNCTUATION } from '../python/str';

export interface ExactMatchOptions {
  regexes_to_ignore?: string[];
  ignore_case?: boolean;
  ignore_punctuation?: boolean;
  ignore_numbers?: boolean;
}

const PUNCT = new Set(PY_PUNCTUATION);

/**
 * lm-eval's exact_match_hf_evaluate (api/metrics.py): each regex in regexes_to_ignore is removed
 * with re.sub from both predictions and references, in order; then lowercase; then
 * string.punctuation and/or digits are deleted; score = mean of pred == ref (string equality, no
 * numeric parsing). predictions and references broadcast like numpy arrays (one prediction against
 * several references gives the fraction that match).
 */
export function exactMatch(predictions: readonly string[], references: readonly string[], opts: ExactMatchOptions = {}): number {
  const norm = (xs: readonly string[]) => {
    let out = xs.map((x) => String(x));
    for (const r of opts.regexes_to_ignore ?? []) {
      const re = compilePyRegex(r);
      out = out.map((x) => pySub(re, '', x));
    }
    if (opts.ignore_case) out = out.map((x) => x.toLowerCase());
    if (opts.ignore_punctuation) out = out.map((x) => Array.from(x).filter((c) => !PUNCT.has(c)).join(''));
    if (opts.ignore_numbers) out = out.map((x) => x.replace(/[0-9]/g, ''));
    return out;
  };
  const p = norm(predictions);
  const r = norm(references);
  const n = Math.max(p.length, r.length);
  if (!(p.length === r.length || p.length === 1 || r.length === 1)) {
    throw new Error(`exact_match: cannot broadcast ${p.length} predictions against ${r.length} references`);
  }
  let hits = 0;
  for (let i = 0; i < n; i++) if (p[p.length === 1 ? 0 : i] === r[r.length === 1 ? 0 : i]) hits++;
  return hits / n;
}
