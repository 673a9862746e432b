/**
 * Python `str` semantics that JavaScript gets subtly wrong: the whitespace set of str.strip(),
 * capitalize() (lowercases the rest), len() in code points, isdigit(), and str()/repr() of
 * values, which Jinja uses when it renders a list (lm-eval then parses that back with
 * ast.literal_eval).
 */

/** Characters for which CPython's str.isspace() is true. */
const PY_WHITESPACE =
  '\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';
const WS = new Set(PY_WHITESPACE);

export const pyIsSpaceChar = (c: string): boolean => WS.has(c);

/** Python regex character-class body matching str.isspace() characters (for \s). */
export const PY_WHITESPACE_CLASS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

function stripSet(chars: string | null | undefined): (c: string) => boolean {
  if (chars === null || chars === undefined) return pyIsSpaceChar;
  const set = new Set(Array.from(chars));
  return (c) => set.has(c);
}

/** The code point ending at UTF-16 index j (a lone surrogate counts as one, as Array.from has it). */
function codePointBefore(s: string, j: number): string {
  const lo = s.charCodeAt(j - 1);
  const pair = j >= 2 && lo >= 0xdc00 && lo <= 0xdfff && (s.charCodeAt(j - 2) & 0xfc00) === 0xd800;
  return s.slice(pair ? j - 2 : j - 1, j);
}

// Both scan from their end only: dataset preprocessing strips every field of every document.
export function pyLstrip(s: string, chars?: string | null): string {
  const test = stripSet(chars);
  let i = 0;
  while (i < s.length) {
    const c = String.fromCodePoint(s.codePointAt(i)!);
    if (!test(c)) break;
    i += c.length;
  }
  return s.slice(i);
}

export function pyRstrip(s: string, chars?: string | null): string {
  const test = stripSet(chars);
  let j = s.length;
  while (j > 0) {
    const c = codePointBefore(s, j);
    if (!test(c)) break;
    j -= c.length;
  }
  return s.slice(0, j);
}

export const pyStrip = (s: string, chars?: string | null): string => pyLstrip(pyRstrip(s, chars), chars);

/** str.capitalize() (3.8+): first character upper (title) case, the rest lower case. */
export function pyCapitalize(s: string): string {
  const cps = Array.from(s);
  if (cps.length === 0) return s;
  return cps[0].toUpperCase() + cps.slice(1).join('').toLowerCase();
}

/** str.title() */
export function pyTitle(s: string): string {
  let out = '';
  let prevCased = false;
  for (const c of Array.from(s)) {
    const cased = c.toLowerCase() !== c.toUpperCase();
    out += cased ? (prevCased ? c.toLowerCase() : c.toUpperCase()) : c;
    prevCased = cased;
  }
  return out;
}

/** len(s): code points. */
export const pyLen = (s: string): number => Array.from(s).length;

/** str.isdigit() (approximated by Unicode Nd plus superscript digits). */
export const pyIsDigit = (s: string): boolean => s.length > 0 && /^[\p{Nd}\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089]+$/u.test(s);

/** str.split(sep=None): runs of whitespace separate, no empty strings at the ends. */
export function pySplitWhitespace(s: string, maxsplit = -1): string[] {
  const out: string[] = [];
  const cps = Array.from(s);
  let i = 0;
  while (i < cps.length) {
    while (i < cps.length && pyIsSpaceChar(cps[i])) i++;
    if (i >= cps.length) break;
    if (maxsplit >= 0 && out.length >= maxsplit) {
      out.push(pyRstrip(cps.slice(i).join('')));
      break;
    }
    let j = i;
    while (j < cps.length && !pyIsSpaceChar(cps[j])) j++;
    out.push(cps.slice(i, j).join(''));
    i = j;
  }
  return out;
}

/** str.split(sep, maxsplit) */
export function pySplit(s: string, sep?: string | null, maxsplit = -1): string[] {
  if (sep === undefined || sep === null) return pySplitWhitespace(s, maxsplit);
  if (sep === '') throw new Error('ValueError: empty separator');
  const parts = s.split(sep);
  if (maxsplit >= 0 && parts.length > maxsplit + 1) {
    return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
  }
  return parts;
}

/** A Python tuple (rendered with parentheses, compared like a list). */
export class PyTuple {
  constructor(readonly items: unknown[]) {}
}

/** repr(str) as CPython writes it. */
export function pyReprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === quote || c === '\\') out += '\\' + c;
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp >= 0x80 && !isPrintable(c)) {
      if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0');
      else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
      else out += '\\U' + cp.toString(16).padStart(8, '0');
    } else out += c;
  }
  return out + quote;
}

/** Py_UNICODE_ISPRINTABLE: not in categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs (except space). */
function isPrintable(c: string): boolean {
  if (c === ' ') return true;
  return !/^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u.test(c);
}

/** repr(float) / str(float): shortest round-trip digits, exponent outside [1e-4, 1e16). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mant, exp] = x.toExponential().split('e');
    const e = Number(exp);
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** str(number): integers print without a fraction (JSON cannot tell 1 from 1.0). */
export const pyNumberStr = (x: number): string => (Number.isInteger(x) && Math.abs(x) < 1e16 ? String(x) : pyFloatRepr(x));

/** repr(value) for the values a template can produce. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return pyReprString(v);
  if (v instanceof PyTuple) {
    return v.items.length === 1 ? `(${pyRepr(v.items[0])},)` : `(${v.items.map(pyRepr).join(', ')})`;
  }
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof Map) return `{${[...v.entries()].map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v).map(([k, x]) => `${pyReprString(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return pyStr(v);
}

/** str(value) */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNumberStr(v);
  if (typeof v === 'bigint') return v.toString();
  return pyRepr(v);
}

/** Python ==, deep for lists, tuples and dicts (1 == 1.0 == True). */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const na = typeof a === 'boolean' ? Number(a) : a;
    const nb = typeof b === 'boolean' ? Number(b) : b;
    return typeof na === 'number' && typeof nb === 'number' && na === nb;
  }
  if (a instanceof PyTuple && b instanceof PyTuple) return pyEquals(a.items, b.items);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyTuple) && !(v instanceof Map);

/** string.punctuation */
export const PY_PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
