import { PY_WHITESPACE_CLASS, PyTuple } from './str';

/**
 * Python `re` patterns run on JavaScript's RegExp engine. Task YAMLs (filters, exact_match's
 * regexes_to_ignore) are written for Python, whose syntax and semantics differ: inline global flags
 * `(?s)`, `(?P<name>…)`, `$` also matching before a final newline, `.` excluding only `\n`,
 * Unicode-aware `\d \w \s \b`, `\A \Z`, a literal `{` when it is not a quantifier, identity escapes
 * such as `\-` or `\,` outside classes. This translates a pattern into an equivalent `u`-mode
 * JavaScript RegExp and offers `findall`, `sub` and `search` with Python's results.
 *
 * Not supported (a clear error is thrown): scoped flags `(?i:…)`, conditional groups `(?(1)…)`,
 * atomic groups and possessive quantifiers. Inside a character class, `\W \S \D` fall back to
 * JavaScript's ASCII meaning.
 */
export class PyRegexError extends Error {}

export interface PyRegexFlags {
  ignoreCase?: boolean;
  multiline?: boolean;
  dotAll?: boolean;
  verbose?: boolean;
  ascii?: boolean;
}

export interface CompiledPyRegex {
  source: string;
  regex: RegExp;
  groups: number;
}

const WORD = '\\p{L}\\p{N}_';
const SYNTAX = new Set('^$\\.*+?()[]{}|/');

const cache = new Map<string, CompiledPyRegex>();

export function compilePyRegex(pattern: string, flags: PyRegexFlags = {}): CompiledPyRegex {
  const key = `${JSON.stringify(flags)}\u0000${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const compiled = translate(pattern, { ...flags });
  cache.set(key, compiled);
  return compiled;
}

function translate(pattern: string, flags: PyRegexFlags): CompiledPyRegex {
  let i = 0;
  // Global inline flags at the start, e.g. (?s) or (?im).
  for (;;) {
    const m = /^\(\?([aiLmsux]+)\)/.exec(pattern.slice(i));
    if (!m) break;
    for (const f of m[1]) {
      if (f === 'i') flags.ignoreCase = true;
      else if (f === 'm') flags.multiline = true;
      else if (f === 's') flags.dotAll = true;
      else if (f === 'x') flags.verbose = true;
      else if (f === 'a') flags.ascii = true;
      else if (f === 'L') throw new PyRegexError(`regex ${JSON.stringify(pattern)}: the L (locale) flag is not supported`);
    }
    i += m[0].length;
  }
  const word = flags.ascii ? 'A-Za-z0-9_' : WORD;
  const digit = flags.ascii ? '0-9' : '\\p{Nd}';
  const space = flags.ascii ? '\\t\\n\\v\\f\\r ' : PY_WHITESPACE_CLASS;
  let out = '';
  let inClass = false;
  let classStart = false;
  let afterClassEscape = false;
  let groups = 0;
  const fail = (why: string): never => {
    throw new PyRegexError(`regex ${JSON.stringify(pattern)}: ${why} (at offset ${i})`);
  };
  while (i < pattern.length) {
    const c = pattern[i];
    if (flags.verbose && !inClass) {
      if (/\s/.test(c)) {
        i++;
        continue;
      }
      if (c === '#') {
        while (i < pattern.length && pattern[i] !== '\n') i++;
        continue;
      }
    }
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) fail('trailing backslash');
      i += 2;
      afterClassEscape = inClass && 'dDwWsS'.includes(n);
      switch (n) {
        case 'd':
          out += inClass ? digit : `[${digit}]`;
          continue;
        case 'D':
          out += inClass ? '\\D' : `[^${digit}]`;
          continue;
        case 'w':
          out += inClass ? word : `[${word}]`;
          continue;
        case 'W':
          out += inClass ? '\\W' : `[^${word}]`;
          continue;
        case 's':
          out += inClass ? space : `[${space}]`;
          continue;
        case 'S':
          out += inClass ? '\\S' : `[^${space}]`;
          continue;
        case 'b':
          out += inClass ? '\\x08' : `(?:(?<=[${word}])(?![${word}])|(?<![${word}])(?=[${word}]))`;
          continue;
        case 'B':
          out += inClass ? fail('\\B in a class') : `(?:(?<=[${word}])(?=[${word}])|(?<![${word}])(?![${word}]))`;
          continue;
        case 'A':
          out += '(?<![\\s\\S])';
          continue;
        case 'Z':
          out += '(?![\\s\\S])';
          continue;
        case 'n':
        case 't':
        case 'r':
        case 'f':
        case 'v':
          out += '\\' + n;
          continue;
        case 'a':
          out += '\\x07';
          continue;
        case 'x': {
          const hex = pattern.slice(i, i + 2);
          if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail('bad \\x escape');
          out += '\\x' + hex;
          i += 2;
          continue;
        }
        case 'u':
        case 'U': {
          const len = n === 'u' ? 4 : 8;
          const hex = pattern.slice(i, i + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail(`bad \\${n} escape`);
          out += `\\u{${hex}}`;
          i += len;
          continue;
        }
        default:
          if (/[0-9]/.test(n)) {
            // Back reference \1..\99 (octal escapes \0 and three-digit forms as characters).
            let digits = n;
            while (/[0-9]/.test(pattern[i] ?? '') && digits.length < 3) digits += pattern[i++];
            if (digits[0] === '0' || (digits.length === 3 && /^[0-7]{3}$/.test(digits))) {
              out += `\\u{${parseInt(digits, 8).toString(16)}}`;
            } else if (inClass) {
              fail('back reference inside a class');
            } else {
              out += `\\${parseInt(digits, 10)}`;
            }
            continue;
          }
          if (/[A-Za-z]/.test(n)) fail(`unsupported escape \\${n}`);
          out += escapeLiteral(n, inClass);
          continue;
      }
    }
    if (inClass) {
      if (c === ']' && !classStart) {
        inClass = false;
        out += ']';
        i++;
        continue;
      }
      classStart = false;
      if (c === '-' && (afterClassEscape || pattern[i + 1] === ']')) {
        out += '\\-';
        afterClassEscape = false;
        i++;
        continue;
      }
      afterClassEscape = false;
      if (c === '[' || c === ']' || c === '/' || c === '{' || c === '}' || c === '(' || c === ')' || c === '|') {
        out += '\\' + c;
      } else out += c;
      i++;
      continue;
    }
    switch (c) {
      case '[':
        inClass = true;
        classStart = true;
        out += '[';
        i++;
        if (pattern[i] === '^') {
          out += '^';
          i++;
        }
        if (pattern[i] === ']') {
          // "[]…]" and "[^]…]": a leading ] is a literal in Python.
          out += '\\]';
          i++;
        }
        classStart = false;
        continue;
      case '.':
        out += flags.dotAll ? '[\\s\\S]' : '[^\\n]';
        i++;
        continue;
      case '$':
        out += flags.multiline ? '(?=\\n|(?![\\s\\S]))' : '(?=\\n?(?![\\s\\S]))';
        i++;
        continue;
      case '^':
        out += flags.multiline ? '(?:(?<![\\s\\S])|(?<=\\n))' : '(?<![\\s\\S])';
        i++;
        continue;
      case '(': {
        const rest = pattern.slice(i);
        if (rest.startsWith('(?P<')) {
          out += '(?<';
          i += 4;
          groups++;
        } else if (rest.startsWith('(?P=')) {
          const end = pattern.indexOf(')', i);
          if (end < 0) fail('unterminated (?P=');
          out += `\\k<${pattern.slice(i + 4, end)}>`;
          i = end + 1;
        } else if (rest.startsWith('(?#')) {
          const end = pattern.indexOf(')', i);
          if (end < 0) fail('unterminated comment');
          i = end + 1;
        } else if (rest.startsWith('(?:') || rest.startsWith('(?=') || rest.startsWith('(?!') || rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
          const len = rest.startsWith('(?<') ? 4 : 3;
          out += rest.slice(0, len);
          i += len;
        } else if (rest.startsWith('(?<')) {
          out += '(?<';
          i += 3;
          groups++;
        } else if (rest.startsWith('(?')) {
          fail('scoped flags, conditionals and atomic groups are not supported');
        } else {
          out += '(';
          i++;
          groups++;
        }
        continue;
      }
      case '{': {
        const m = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(i));
        if (m && (m[1] !== '' || (m[2] === ',' && m[3] !== ''))) {
          out += m[2] ? `{${m[1] || '0'},${m[3]}}` : `{${m[1]}}`;
          i += m[0].length;
          if (pattern[i] === '+') fail('possessive quantifiers are not supported');
        } else {
          out += '\\{';
          i++;
        }
        continue;
      }
      case '}':
        out += '\\}';
        i++;
        continue;
      case ']':
        out += '\\]';
        i++;
        continue;
      case '/':
        out += '\\/';
        i++;
        continue;
      case '*':
      case '+':
      case '?':
        out += c;
        i++;
        if (pattern[i] === '+') fail('possessive quantifiers are not supported');
        continue;
      default:
        out += c;
        i++;
    }
  }
  if (inClass) fail('unterminated character class');
  let regex: RegExp;
  try {
    regex = new RegExp(out, `gu${flags.ignoreCase ? 'i' : ''}`);
  } catch (err) {
    throw new PyRegexError(`regex ${JSON.stringify(pattern)} is not valid: ${(err as Error).message}`);
  }
  return { source: pattern, regex, groups };
}

function escapeLiteral(c: string, inClass: boolean): string {
  if (SYNTAX.has(c) || (inClass && c === '-')) return '\\' + c;
  return `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

function* matches(re: CompiledPyRegex, text: string): Generator<RegExpExecArray> {
  const r = new RegExp(re.regex.source, re.regex.flags);
  r.lastIndex = 0;
  for (;;) {
    const m = r.exec(text);
    if (!m) return;
    yield m;
    if (m[0] === '') {
      const cp = text.codePointAt(r.lastIndex);
      r.lastIndex += cp !== undefined && cp > 0xffff ? 2 : 1;
    }
    if (r.lastIndex > text.length) return;
  }
}

/** re.findall: whole matches without groups, the group with one, tuples with several ('' for unmatched). */
export function pyFindall(pattern: string | CompiledPyRegex, text: string): Array<string | PyTuple> {
  const re = typeof pattern === 'string' ? compilePyRegex(pattern) : pattern;
  const out: Array<string | PyTuple> = [];
  for (const m of matches(re, text)) {
    if (re.groups === 0) out.push(m[0]);
    else if (re.groups === 1) out.push(m[1] ?? '');
    else out.push(new PyTuple(m.slice(1, re.groups + 1).map((g) => g ?? '')));
  }
  return out;
}

/** re.search(...) is not None */
export function pySearch(pattern: string | CompiledPyRegex, text: string): RegExpExecArray | null {
  const re = typeof pattern === 'string' ? compilePyRegex(pattern) : pattern;
  for (const m of matches(re, text)) return m;
  return null;
}

/**
 * re.sub(pattern, repl, text, count): replacement uses Python syntax (\1, \g<1>, \g<name>, \n escapes).
 */
export function pySub(pattern: string | CompiledPyRegex, repl: string, text: string, count = 0): string {
  const re = typeof pattern === 'string' ? compilePyRegex(pattern) : pattern;
  let out = '';
  let last = 0;
  let done = 0;
  for (const m of matches(re, text)) {
    if (count > 0 && done >= count) break;
    out += text.slice(last, m.index) + expandReplacement(repl, m);
    last = m.index + m[0].length;
    done++;
  }
  return out + text.slice(last);
}

function expandReplacement(repl: string, m: RegExpExecArray): string {
  if (!repl.includes('\\')) return repl;
  return repl.replace(/\\(g<([^>]+)>|[0-9]{1,2}|n|t|r|\\|.)/g, (whole, what: string, g: string | undefined) => {
    if (g !== undefined) return (/^\d+$/.test(g) ? m[Number(g)] : m.groups?.[g]) ?? '';
    if (/^[0-9]+$/.test(what)) return m[Number(what)] ?? '';
    if (what === 'n') return '\n';
    if (what === 't') return '\t';
    if (what === 'r') return '\r';
    if (what === '\\') return '\\';
    return whole;
  });
}
