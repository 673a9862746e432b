import { pySearch, pySub } from '../python/regex';
import { pyIsDigit, pyStrip } from '../python/str';

/**
 * MATH answer handling as lm-evaluation-harness's tasks/minerva_math/utils.py and
 * tasks/hendrycks_math/utils.py write it (both copied from the Minerva paper's appendix D and
 * Hendrycks et al.'s original code). Python semantics kept: str.replace replaces every occurrence,
 * re.sub every match, failures raise where the Python raises.
 */

/** last_boxed_only_string: the last "\boxed{…}" (or "\fbox{…}") with balanced braces, or null. */
export function lastBoxedOnlyString(s: string): string | null {
  let idx = s.lastIndexOf('\\boxed');
  if (s.includes('\\boxed ')) return '\\boxed ' + s.split('\\boxed ').pop()!.split('$')[0];
  if (idx < 0) {
    idx = s.lastIndexOf('\\fbox');
    if (idx < 0) return null;
  }
  let open = 0;
  for (let i = idx; i < s.length; i++) {
    if (s[i] === '{') open++;
    if (s[i] === '}') {
      open--;
      if (open === 0) return s.slice(idx, i + 1);
    }
  }
  return null;
}

/** remove_boxed: the content of "\boxed{…}" / "\boxed …" (asserts the form, as the Python does). */
export function removeBoxed(s: string | null): string {
  if (s === null) throw new TypeError("remove_boxed: no \\boxed answer (Python: 'NoneType' object is not subscriptable)");
  if (s.includes('\\boxed ')) {
    if (!s.startsWith('\\boxed ')) throw new Error('remove_boxed: AssertionError');
    return s.slice('\\boxed '.length);
  }
  if (!s.startsWith('\\boxed{') || !s.endsWith('}')) throw new Error('remove_boxed: AssertionError');
  return s.slice('\\boxed{'.length, -1);
}

/** minerva get_unnormalized_answer: the text between "Final Answer: The final answer is" and ". I hope it is correct." */
export function getUnnormalizedAnswer(text: string): string {
  const m = pySearch('Final Answer: The final answer is(.*?). I hope it is correct.', text + 'I hope it is correct.');
  return m ? pyStrip(m[1]) : '[invalidanswer]';
}

const SUBSTITUTIONS: Array<[string, string]> = [
  ['an ', ''],
  ['a ', ''],
  ['.$', '$'],
  ['\\$', ''],
  ['\\ ', ''],
  [' ', ''],
  ['mbox', 'text'],
  [',\\text{and}', ','],
  ['\\text{and}', ','],
  ['\\text{m}', '\\text{}'],
];
const REMOVED_EXPRESSIONS = [
  'square', 'ways', 'integers', 'dollars', 'mph', 'inches', 'ft', 'hours', 'km', 'units', '\\ldots', 'sue', 'points', 'feet',
  'minutes', 'digits', 'cents', 'degrees', 'cm', 'gm', 'pounds', 'meters', 'meals', 'edges', 'students', 'childrentickets',
  'multiples', '\\text{s}', '\\text{.}', '\\text{\ns}', '\\text{}^2', '\\text{}^3', '\\text{\n}', '\\text{}', '\\mathrm{th}',
  '^\\circ', '^{\\circ}', '\\;', ',\\!', '{,}', '"', '\\dots',
];

const replaceAll = (s: string, a: string, b: string) => s.split(a).join(b);

/** minerva normalize_final_answer (Lewkowycz et al. 2022, appendix D). */
export function normalizeFinalAnswer(answer: string): string {
  let s = answer.split('=').pop()!;
  for (const [a, b] of SUBSTITUTIONS) s = replaceAll(s, a, b);
  for (const e of REMOVED_EXPRESSIONS) s = replaceAll(s, e, '');
  s = pySub('(.*?)(\\$)(.*?)(\\$)(.*)', '$\\3$', s);
  s = pySub('(\\\\text\\{)(.*?)(\\})', '\\2', s);
  s = pySub('(\\\\textbf\\{)(.*?)(\\})', '\\2', s);
  s = pySub('(\\\\overline\\{)(.*?)(\\})', '\\2', s);
  s = pySub('(\\\\boxed\\{)(.*)(\\})', '\\2', s);
  s = pySub('(frac)([^{])(.)', 'frac{\\2}{\\3}', s);
  s = pySub('(sqrt)([^{])', 'sqrt{\\2}', s);
  s = replaceAll(s, '$', '');
  if (pyIsDigit(replaceAll(s, ',', ''))) s = replaceAll(s, ',', '');
  return s;
}

// ---- hendrycks_math: the original MATH string normalization (utils.strip_string / is_equiv) --------

function fixFracs(s: string): string {
  const parts = s.split('\\frac');
  let out = parts[0];
  for (const sub of parts.slice(1)) {
    out += '\\frac';
    if (sub.length === 0) throw new Error('fix_fracs: IndexError');
    if (sub[0] === '{') out += sub;
    else {
      if (sub.length < 2) return s;
      const [a, b] = [sub[0], sub[1]];
      out += b !== '{' ? `{${a}}{${b}}${sub.slice(2)}` : `{${a}}${b}${sub.slice(2)}`;
    }
  }
  return out;
}

/** Python int(): optional sign and whitespace, digits with single underscores between them. */
const PY_INT = /^\s*[+-]?\d+(_\d+)*\s*$/;

function fixASlashB(s: string): string {
  const parts = s.split('/');
  if (parts.length !== 2) return s;
  // int(a) raising ValueError is not caught here in the Python: it fails strip_string.
  if (!PY_INT.test(parts[0]) || !PY_INT.test(parts[1])) throw new Error(`fix_a_slash_b: int() of ${JSON.stringify(s)}`);
  const [a, b] = parts.map((p) => BigInt(p.trim().replace(/_/g, '')).toString());
  return s === `${a}/${b}` ? `\\frac{${a}}{${b}}` : s;
}

function removeRightUnits(s: string): string {
  if (!s.includes('\\text{ ')) return s;
  const parts = s.split('\\text{ ');
  if (parts.length !== 2) throw new Error('remove_right_units: AssertionError');
  return parts[0];
}

function fixSqrt(s: string): string {
  if (!s.includes('\\sqrt')) return s;
  const parts = s.split('\\sqrt');
  let out = parts[0];
  for (const p of parts.slice(1)) {
    if (p.length === 0) throw new Error('fix_sqrt: IndexError');
    out += p[0] !== '{' ? `\\sqrt{${p[0]}}${p.slice(1)}` : `\\sqrt${p}`;
  }
  return out;
}

/** hendrycks_math strip_string; throws where the Python raises. */
export function stripString(input: string): string {
  let s = replaceAll(input, '\n', '');
  s = replaceAll(s, '\\!', '');
  s = replaceAll(s, '\\\\', '\\');
  s = replaceAll(replaceAll(s, 'tfrac', 'frac'), 'dfrac', 'frac');
  s = replaceAll(replaceAll(s, '\\left', ''), '\\right', '');
  s = replaceAll(replaceAll(s, '^{\\circ}', ''), '^\\circ', '');
  s = replaceAll(s, '\\$', '');
  s = removeRightUnits(s);
  s = replaceAll(s, '\\%', '');
  s = replaceAll(replaceAll(s, ' .', ' 0.'), '{.', '{0.');
  if (s.length === 0) return s;
  if (s[0] === '.') s = '0' + s;
  const eq = s.split('=');
  if (eq.length === 2 && Array.from(eq[0]).length <= 2) s = eq[1];
  s = fixSqrt(s);
  s = replaceAll(s, ' ', '');
  s = fixFracs(s);
  if (s === '0.5') s = '\\frac{1}{2}';
  return fixASlashB(s);
}

/** hendrycks_math is_equiv: strip_string both and compare; if stripping raises, compare the raw strings. */
export function hendrycksIsEquiv(a: string | null, b: string | null): boolean {
  if (a === null && b === null) return true;
  if (a === null || b === null) return false;
  try {
    return stripString(a) === stripString(b);
  } catch {
    return a === b;
  }
}

/** hendrycks_math process_results: the text between the first and last "$" (or all of it) against the boxed answer. */
export function hendrycksAnswer(response: string): string {
  const first = response.indexOf('$');
  const last = response.lastIndexOf('$');
  return first < 0 || first === last ? response : response.slice(first + 1, last);
}
