/**
 * The tokens of sympy's LaTeX grammar (sympy/parsing/latex/LaTeX.g4, the ANTLR grammar behind
 * `parse_latex`, which lm-eval's minerva_math uses; checked against sympy 1.14): the longest match
 * wins, spacing commands, \left and \right are skipped, digits are single tokens, and anything the
 * grammar has no token for is an error (sympy raises LaTeXParsingError, and lm-eval counts the
 * answer wrong).
 */
export type TokenKind =
  | 'digit'
  | 'dot'
  | 'lbar'
  | 'letter'
  | 'diff'
  | 'sym'
  | 'func'
  | 'cmd'
  | 'rel'
  | 'op'
  | 'open'
  | 'close'
  | 'bar'
  | 'caret'
  | 'under'
  | 'bang'
  | 'comma'
  | 'quote';

export interface Token {
  kind: TokenKind;
  text: string;
}

export class LatexSyntaxError extends Error {}

/** Commands with a token of their own; any other "\letters" is a SYMBOL (a sympy Symbol). */
const FUNCS = new Set([
  'exp', 'log', 'lg', 'ln', 'sin', 'cos', 'tan', 'csc', 'sec', 'cot', 'arcsin', 'arccos', 'arctan', 'arccsc', 'arcsec', 'arccot',
  'sinh', 'cosh', 'tanh', 'arsinh', 'arcosh', 'artanh',
]);
const CMDS = new Set(['frac', 'dfrac', 'tfrac', 'binom', 'dbinom', 'tbinom', 'sqrt', 'overline', 'lfloor', 'rfloor', 'lceil', 'rceil', 'mathit', 'times', 'cdot', 'div']);
const UNSUPPORTED = new Set(['lim', 'int', 'sum', 'prod', 'langle', 'rangle', 'to', 'rightarrow', 'Rightarrow', 'longrightarrow', 'Longrightarrow']);
const RELATIONS: Record<string, string> = { neq: '!=', leq: '<=', le: '<=', leqq: '<=', leqslant: '<=', geq: '>=', ge: '>=', geqq: '>=', geqslant: '>=' };
const SKIPPED = new Set(['thinspace', 'medspace', 'thickspace', 'quad', 'qquad', 'negthinspace', 'negmedspace', 'negthickspace', 'left', 'right', 'vrule', 'vcenter', 'vbox', 'vskip', 'vspace', 'hfil']);
/** "\," "\:" "\;" "\!" and the other backslash-punctuation the grammar skips. */
const SKIPPED_PUNCT = new Set([',', ':', ';', '!', '*', '-', '.', '/', '"', '(', '=']);

const isLetter = (c: string | undefined) => c !== undefined && /[a-zA-Z]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isWs = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (isWs(c)) {
      i++;
      continue;
    }
    if (c === '\\') {
      if (isLetter(s[i + 1])) {
        let j = i + 1;
        while (isLetter(s[j])) j++;
        const name = s.slice(i + 1, j);
        i = j;
        if ((name === 'left' || name === 'right') && s[i] === '|') {
          // L_BAR / R_BAR: tokens of their own, which sympy's abs_group does not take.
          out.push({ kind: 'lbar', text: `\\${name}|` });
          i++;
          continue;
        }
        if (SKIPPED.has(name)) continue;
        if (UNSUPPORTED.has(name)) throw new LatexSyntaxError(`\\${name} is not supported`);
        if (name in RELATIONS) out.push({ kind: 'rel', text: RELATIONS[name] });
        else if (FUNCS.has(name)) out.push({ kind: 'func', text: name });
        else if (CMDS.has(name)) out.push({ kind: 'cmd', text: name });
        else out.push({ kind: 'sym', text: name });
        continue;
      }
      const next = s[i + 1];
      if (next === '{' || next === '}') out.push({ kind: next === '{' ? 'open' : 'close', text: `\\${next}` });
      else if (next === undefined || !SKIPPED_PUNCT.has(next)) throw new LatexSyntaxError(`unexpected "\\${next ?? ''}"`);
      i += 2;
      continue;
    }
    if (isDigit(c)) {
      // Digits are tokens one by one: numbers are a parser rule (so "1\,000" is 1000).
      out.push({ kind: 'digit', text: c });
      i++;
      continue;
    }
    if (c === 'd') {
      // DIFFERENTIAL: 'd' WS*? ([a-zA-Z] | '\' [a-zA-Z]+) — longer than LETTER, so it wins.
      let j = i + 1;
      while (isWs(s[j])) j++;
      if (isLetter(s[j]) || (s[j] === '\\' && isLetter(s[j + 1]))) {
        let k = j + 1;
        if (s[j] === '\\') while (isLetter(s[k])) k++;
        out.push({ kind: 'diff', text: 'd' + s.slice(j, k) });
        i = k;
        continue;
      }
    }
    if (isLetter(c)) out.push({ kind: 'letter', text: c });
    else if ('+-*/:'.includes(c)) out.push({ kind: 'op', text: c });
    else if ('([{'.includes(c)) out.push({ kind: 'open', text: c });
    else if (')]}'.includes(c)) out.push({ kind: 'close', text: c });
    else if (c === '|') out.push({ kind: 'bar', text: c });
    else if (c === '^') out.push({ kind: 'caret', text: c });
    else if (c === '_') out.push({ kind: 'under', text: c });
    else if (c === '!') out.push({ kind: 'bang', text: c });
    else if (c === ',') out.push({ kind: 'comma', text: c });
    else if (c === '.') out.push({ kind: 'dot', text: c });
    else if (c === "'") out.push({ kind: 'quote', text: c });
    else if (c === '<' || c === '>') out.push({ kind: 'rel', text: c });
    else if (c === '=' || c === '&') {
      // EQUAL: ('&' WS*?)? '=' | '=' (WS*? '&')?
      let j = i;
      if (c === '&') {
        j++;
        while (isWs(s[j])) j++;
        if (s[j] !== '=') throw new LatexSyntaxError('unexpected "&"');
      }
      j++;
      let k = j;
      while (isWs(s[k])) k++;
      i = s[k] === '&' ? k + 1 : j;
      out.push({ kind: 'rel', text: '=' });
      continue;
    } else throw new LatexSyntaxError(`unexpected ${JSON.stringify(c)}`);
    i++;
  }
  return out;
}
