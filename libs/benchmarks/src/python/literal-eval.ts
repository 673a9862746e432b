import { PyTuple } from './str';

/**
 * ast.literal_eval for the literals lm-evaluation-harness feeds it: a rendered doc_to_choice
 * ("['a', 'b']"), a rendered doc_to_target that looks like a list or a number. Strings (with
 * Python escapes and implicit concatenation), ints, floats, True/False/None, lists, tuples, dicts
 * and unary minus. Throws a SyntaxError or ValueError-like Error otherwise.
 */
export class LiteralEvalError extends Error {}

export function literalEval(src: string): unknown {
  const p = new Parser(src);
  p.skipWs();
  const v = p.value();
  p.skipWs();
  if (!p.done()) p.fail('unexpected trailing characters');
  return v;
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i >= this.s.length;
  }

  fail(why: string): never {
    throw new LiteralEvalError(`malformed literal (${why} at offset ${this.i}): ${this.s.length > 200 ? this.s.slice(0, 200) + '…' : this.s}`);
  }

  skipWs(): void {
    while (this.i < this.s.length && /[ \t\n\r\f\v]/.test(this.s[this.i])) this.i++;
  }

  value(): unknown {
    this.skipWs();
    const c = this.s[this.i];
    if (c === undefined) this.fail('unexpected end');
    if (c === '[') return this.sequence(']');
    if (c === '(') return this.sequence(')', true);
    if (c === '{') return this.dict();
    if (c === '-' || c === '+') {
      this.i++;
      const v = this.value();
      if (typeof v !== 'number') this.fail('unary operator on a non-number');
      return c === '-' ? -v : v;
    }
    if (/[0-9.]/.test(c)) return this.number();
    if (/['"]/.test(c) || (/[rRbBuU]/.test(c) && /['"]/.test(this.s[this.i + 1] ?? ''))) {
      let out = this.string();
      for (;;) {
        const save = this.i;
        this.skipWs();
        const n = this.s[this.i];
        if (n !== undefined && (/['"]/.test(n) || (/[rRuU]/.test(n) && /['"]/.test(this.s[this.i + 1] ?? '')))) out += this.string();
        else {
          this.i = save;
          return out;
        }
      }
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0];
    if (word === 'True' || word === 'False' || word === 'None') {
      this.i += word.length;
      return word === 'True' ? true : word === 'False' ? false : null;
    }
    return this.fail(word ? `name ${word} is not a literal` : `unexpected ${JSON.stringify(c)}`);
  }

  private sequence(close: string, tuple = false): unknown {
    this.i++;
    const items: unknown[] = [];
    let sawComma = false;
    for (;;) {
      this.skipWs();
      if (this.s[this.i] === close) {
        this.i++;
        if (tuple) return items.length === 1 && !sawComma ? items[0] : new PyTuple(items);
        return items;
      }
      items.push(this.value());
      this.skipWs();
      if (this.s[this.i] === ',') {
        this.i++;
        sawComma = true;
      } else if (this.s[this.i] !== close) this.fail(`expected "," or "${close}"`);
    }
  }

  private dict(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.skipWs();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const k = this.value();
      this.skipWs();
      if (this.s[this.i] !== ':') this.fail('expected ":" (sets are not supported)');
      this.i++;
      out[String(k)] = this.value();
      this.skipWs();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail('expected "," or "}"');
    }
  }

  private number(): number {
    const m = /^(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*\.)/.exec(this.s.slice(this.i));
    if (!m) this.fail('bad number');
    this.i += m[0].length;
    const t = m[0].replace(/_/g, '');
    if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
    if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
    if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
    if (/^0\d/.test(t) && !/[.eE]/.test(t) && /[1-9]/.test(t)) this.fail('leading zeros in decimal integer literals are not permitted');
    return Number(t);
  }

  private string(): string {
    let raw = false;
    while (/[rRbBuU]/.test(this.s[this.i])) {
      if (/[bB]/.test(this.s[this.i])) this.fail('bytes literals are not supported');
      if (/[rR]/.test(this.s[this.i])) raw = true;
      this.i++;
    }
    const q = this.s[this.i];
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const end = triple ? q.repeat(3) : q;
    this.i += end.length;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string');
      if (this.s.startsWith(end, this.i)) {
        this.i += end.length;
        return out;
      }
      const c = this.s[this.i];
      if (!triple && c === '\n') this.fail('newline in string');
      if (c === '\\') {
        const n = this.s[this.i + 1];
        if (raw) {
          out += c + (n ?? '');
          this.i += 2;
          continue;
        }
        this.i += 2;
        out += this.escape(n);
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private escape(n: string | undefined): string {
    switch (n) {
      case '\n':
        return '';
      case '\\':
      case "'":
      case '"':
        return n;
      case 'a':
        return '\x07';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'v':
        return '\v';
      case 'x':
      case 'u':
      case 'U': {
        const len = n === 'x' ? 2 : n === 'u' ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail(`bad \\${n} escape`);
        this.i += len;
        return String.fromCodePoint(parseInt(hex, 16));
      }
      case undefined:
        return this.fail('unterminated escape');
      default:
        if (/[0-7]/.test(n)) {
          let oct = n;
          while (oct.length < 3 && /[0-7]/.test(this.s[this.i] ?? '')) oct += this.s[this.i++];
          return String.fromCodePoint(parseInt(oct, 8));
        }
        return '\\' + n;
    }
  }
}
