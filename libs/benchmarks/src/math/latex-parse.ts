import { LatexSyntaxError, Token, tokenize } from './latex-lexer';

/** An expression as sympy's parse_latex builds it (the node kinds the equivalence check evaluates). */
export type LatexNode =
  | { t: 'num'; text: string }
  | { t: 'sym'; name: string }
  | { t: 'inf' }
  | { t: 'bin'; op: '+' | '-' | '*' | '/'; a: LatexNode; b: LatexNode }
  | { t: 'neg'; a: LatexNode }
  | { t: 'pow'; a: LatexNode; b: LatexNode }
  | { t: 'call'; name: string; args: LatexNode[] }
  | { t: 'rel'; op: string; a: LatexNode; b: LatexNode };

const MUL_OPS = new Set(['*', '/', ':', 'times', 'cdot', 'div']);
const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}', '\\{': '\\}' };
const INVERTIBLE = new Set(['sin', 'cos', 'tan', 'csc', 'sec', 'cot', 'sinh', 'cosh', 'tanh']);

/**
 * A recursive-descent reading of sympy's LaTeX.g4 (math → relation → additive → mp → unary →
 * postfix → exp → comp) with _parse_latex_antlr's conversions: implicit multiplication of adjacent
 * factors ("2x", and "2x3" = 6 when x stands between two symbol-free factors), a letter followed by
 * "(" is a function call, \log is base 10, \sin^{-1} is asin, \frac / \binom / \sqrt[n] / floor /
 * ceil / |abs| / n!, \infty, \pi, and any other command a plain symbol (\alpha, \text, \circ).
 */
class Parser {
  private i = 0;
  private absDepth = 0;
  constructor(private readonly toks: Token[]) {}

  /** Like sympy's `math` rule, which has no EOF: what follows a complete expression is ignored ("1,2" is 1). */
  parse(): LatexNode {
    if (this.toks.length === 0) throw new LatexSyntaxError('empty expression');
    return this.relation();
  }

  /** Whether the token at offset o can begin an operand (a loop continues only when its operand can start). */
  private startsOperand(o: number): boolean {
    const t = this.peek(o);
    return !!t && ((t.kind === 'op' && (t.text === '+' || t.text === '-')) || this.startsFactorAt(o, false, true));
  }

  private peek(o = 0): Token | undefined {
    return this.toks[this.i + o];
  }

  private take(kind?: Token['kind'], text?: string): Token {
    const t = this.toks[this.i];
    if (!t || (kind && t.kind !== kind) || (text !== undefined && t.text !== text)) throw new LatexSyntaxError(`expected ${text ?? kind}, got ${t ? JSON.stringify(t.text) : 'the end'}`);
    this.i++;
    return t;
  }

  /**
   * One more iteration of a loop, or null (position restored) when it does not parse: ANTLR's
   * adaptive prediction looks ahead and leaves a loop whose next iteration would fail, so
   * "2+(1,2)" is 2 with the rest ignored, while "(1,2)" alone is an error.
   */
  private attempt<T>(step: () => T): T | null {
    const [i, depth] = [this.i, this.absDepth];
    try {
      return step();
    } catch (err) {
      if (!(err instanceof LatexSyntaxError)) throw err;
      [this.i, this.absDepth] = [i, depth];
      return null;
    }
  }

  private relation(): LatexNode {
    let a = this.expr();
    for (;;) {
      if (this.peek()?.kind !== 'rel' || !this.startsOperand(1)) return a;
      const next = this.attempt(() => ({ op: this.take().text, b: this.expr() }));
      if (!next) return a;
      a = { t: 'rel', op: next.op, a, b: next.b };
    }
  }

  private expr(): LatexNode {
    let a = this.mp();
    for (;;) {
      const t = this.peek();
      if (t?.kind !== 'op' || (t.text !== '+' && t.text !== '-') || !this.startsOperand(1)) return a;
      const next = this.attempt(() => ({ op: this.take().text as '+' | '-', b: this.mp() }));
      if (!next) return a;
      a = { t: 'bin', op: next.op, a, b: next.b };
    }
  }

  private isMulOp(t: Token | undefined): boolean {
    return !!t && ((t.kind === 'op' && MUL_OPS.has(t.text)) || (t.kind === 'cmd' && MUL_OPS.has(t.text)));
  }

  private mp(noFunc = false): LatexNode {
    let a = this.unary(noFunc);
    for (;;) {
      if (!this.isMulOp(this.peek()) || !this.startsOperand(1)) return a;
      const next = this.attempt(() => ({ op: this.take().text, b: this.unary(noFunc) }));
      if (!next) return a;
      a = { t: 'bin', op: next.op === '/' || next.op === ':' || next.op === 'div' ? '/' : '*', a, b: next.b };
    }
  }

  private unary(noFunc: boolean): LatexNode {
    const t = this.peek();
    if (t?.kind === 'op' && (t.text === '+' || t.text === '-')) {
      this.i++;
      const a = this.unary(noFunc);
      return t.text === '-' ? { t: 'neg', a } : a;
    }
    const factors = [this.postfix(false)];
    while (this.startsFactorAt(0, noFunc, false)) {
      const f = this.attempt(() => this.postfix(noFunc));
      if (!f) break;
      factors.push(f);
    }
    return implicitProduct(factors);
  }

  private startsFactorAt(o: number, noFunc: boolean, first: boolean): boolean {
    const t = this.peek(o);
    if (!t) return false;
    if (t.kind === 'bar') return first || this.absDepth === 0;
    if (t.kind === 'func') return first || !noFunc;
    if (t.kind === 'cmd') return !MUL_OPS.has(t.text) && t.text !== 'rfloor' && t.text !== 'rceil';
    return t.kind === 'digit' || t.kind === 'letter' || t.kind === 'diff' || t.kind === 'sym' || (t.kind === 'open' && t.text !== '\\}');
  }

  private startsAtom(o: number): boolean {
    const t = this.peek(o);
    return !!t && (t.kind === 'digit' || t.kind === 'letter' || t.kind === 'diff' || t.kind === 'sym' || (t.kind === 'cmd' && /^(d|t)?(frac|binom)$|^mathit$/.test(t.text)) || t.text === '{');
  }

  private postfix(noFunc: boolean): LatexNode {
    let e = this.exp(noFunc);
    while (this.peek()?.kind === 'bang') {
      this.i++;
      e = { t: 'call', name: 'factorial', args: [e] };
    }
    return e;
  }

  private exp(noFunc: boolean): LatexNode {
    let base = this.comp(noFunc);
    while (this.peek()?.kind === 'caret' && this.startsAtom(1)) {
      const b = this.attempt(() => {
        this.i++;
        const e = this.braceOrAtom();
        if (this.peek()?.kind === 'under') this.subscript();
        return e;
      });
      if (!b) break;
      base = { t: 'pow', a: base, b };
    }
    return base;
  }

  private braceOrAtom(): LatexNode {
    if (this.peek()?.kind === 'open' && this.peek()!.text === '{') return this.group();
    return this.atom();
  }

  private group(): LatexNode {
    const open = this.take('open').text;
    const e = this.expr();
    this.take('close', CLOSING[open]);
    return e;
  }

  private comp(noFunc: boolean): LatexNode {
    const t = this.peek();
    if (!t) throw new LatexSyntaxError('unexpected end');
    if (t.kind === 'open') return this.group();
    if (t.kind === 'bar') {
      this.i++;
      if (!this.startsOperand(0)) throw new LatexSyntaxError('empty |…|');
      this.absDepth++;
      const e = this.expr();
      this.absDepth--;
      this.take('bar');
      return { t: 'call', name: 'abs', args: [e] };
    }
    if (t.kind === 'func' && !noFunc) return this.func();
    if (t.kind === 'cmd' && (t.text === 'lfloor' || t.text === 'lceil')) {
      this.i++;
      const e = this.expr();
      this.take('cmd', t.text === 'lfloor' ? 'rfloor' : 'rceil');
      return { t: 'call', name: t.text === 'lfloor' ? 'floor' : 'ceiling', args: [e] };
    }
    if (t.kind === 'cmd' && (t.text === 'sqrt' || t.text === 'overline')) {
      this.i++;
      const root = t.text === 'sqrt' && this.peek()?.text === '[' ? this.group() : null;
      if (this.peek()?.text !== '{') throw new LatexSyntaxError(`\\${t.text} needs {…}`);
      const base = this.group();
      if (t.text === 'overline') return base;
      return root ? { t: 'call', name: 'root', args: [base, root] } : { t: 'call', name: 'sqrt', args: [base] };
    }
    if ((t.kind === 'letter' || t.kind === 'sym') && this.isCall()) return this.userCall();
    return this.atom();
  }

  /** (LETTER | SYMBOL) subexpr? '(' args ')': a function application, which ANTLR prefers to atom × group. */
  private isCall(): boolean {
    let j = this.i + 1;
    if (this.toks[j]?.kind === 'under') j += this.toks[j + 1]?.text === '{' ? this.skipBraces(j + 1) + 1 : 2;
    while (this.toks[j]?.kind === 'quote') j++;
    return this.toks[j]?.kind === 'open' && this.toks[j]!.text === '(';
  }

  private skipBraces(j: number): number {
    let depth = 0;
    for (let k = j; k < this.toks.length; k++) {
      if (this.toks[k].text === '{') depth++;
      if (this.toks[k].text === '}' && --depth === 0) return k - j;
    }
    return this.toks.length;
  }

  private userCall(): LatexNode {
    const name = this.named();
    this.take('open', '(');
    const args = [this.expr()];
    while (this.peek()?.kind === 'comma') {
      this.i++;
      args.push(this.expr());
    }
    this.take('close', ')');
    return { t: 'call', name: `fn:${name}`, args };
  }

  /** A letter or symbol with its subscript and primes, as the name sympy gives the Symbol. */
  private named(): string {
    const t = this.take();
    let name = t.text;
    if (this.peek()?.kind === 'under') name += `_{${this.subscript()}}`;
    while (this.peek()?.kind === 'quote') name += this.take().text;
    return name;
  }

  private subscript(): string {
    this.take('under');
    const start = this.i;
    this.braceOrAtom();
    return this.toks.slice(start, this.i).map((x) => x.text).join('');
  }

  private func(): LatexNode {
    let name = this.take('func').text;
    let base: LatexNode | null = null;
    let power: LatexNode | null = null;
    for (let k = 0; k < 2; k++) {
      if (this.peek()?.kind === 'under') {
        this.i++;
        base = this.braceOrAtom();
      } else if (this.peek()?.kind === 'caret') {
        this.i++;
        power = this.braceOrAtom();
      }
    }
    let arg = this.attempt(() => this.funcArg());
    if (!arg && base?.t === 'num' && !base.text.includes('.') && base.text.length > 1 && this.toks[this.i - 1]?.kind === 'digit') {
      // "\log_28": a shorter subscript number leaves digits for the argument (ANTLR's lookahead does so).
      const digits = base.text;
      for (let k = digits.length - 1; k >= 1 && !arg; k--) {
        this.i -= 1;
        base = { t: 'num', text: digits.slice(0, k) };
        arg = this.attempt(() => this.funcArg());
      }
    }
    if (!arg) arg = this.funcArg();
    const inverse = power !== null && INVERTIBLE.has(name) && power.t === 'neg' && power.a.t === 'num' && power.a.text === '1';
    if (inverse) name = `a${name}`;
    let call: LatexNode;
    // sympy 1.14: \log and \ln are natural logarithms, \lg base 10, a subscript is the base.
    if (base && (name === 'log' || name === 'ln')) call = { t: 'call', name: 'log', args: [arg, base] };
    else if (name === 'lg') call = { t: 'call', name: 'log', args: [arg, { t: 'num', text: '10' }] };
    else call = { t: 'call', name: name === 'log' ? 'ln' : name.replace(/^arc(sin|cos|tan|csc|sec|cot)$/, 'a$1').replace(/^ar(sinh|cosh|tanh)$/, 'a$1'), args: [arg] };
    return power && !inverse ? { t: 'pow', a: call, b: power } : call;
  }

  private funcArg(): LatexNode {
    if (this.peek()?.text !== '(') return this.mp(true);
    this.i++;
    const arg = this.expr();
    this.take('close', ')');
    return arg;
  }

  private atom(): LatexNode {
    const t = this.peek();
    if (!t) throw new LatexSyntaxError('unexpected end');
    if (t.kind === 'digit') return this.number();
    if (t.kind === 'diff') {
      this.i++;
      return { t: 'sym', name: t.text };
    }
    if (t.kind === 'letter') return { t: 'sym', name: this.named() };
    if (t.kind === 'sym') {
      if (t.text === 'infty' || t.text === 'pi') {
        this.i++;
        return t.text === 'pi' ? { t: 'call', name: 'pi', args: [] } : { t: 'inf' };
      }
      return { t: 'sym', name: `\\${this.named()}` };
    }
    if (t.kind === 'cmd' && (t.text === 'frac' || t.text === 'dfrac' || t.text === 'tfrac')) {
      this.i++;
      const num = this.fracPart();
      return { t: 'bin', op: '/', a: num, b: this.fracPart() };
    }
    if (t.kind === 'cmd' && t.text.endsWith('binom')) {
      this.i++;
      const n = this.group();
      return { t: 'call', name: 'binomial', args: [n, this.group()] };
    }
    if (t.kind === 'cmd' && t.text === 'mathit') {
      this.i++;
      this.take('open', '{');
      const start = this.i;
      while (this.peek() && this.peek()!.text !== '}') this.i++;
      const name = this.toks.slice(start, this.i).map((x) => x.text).join('');
      this.take('close', '}');
      return { t: 'sym', name };
    }
    throw new LatexSyntaxError(`unexpected ${JSON.stringify(t.text)}`);
  }

  /** number: DIGIT+ (',' DIGIT DIGIT DIGIT)* ('.' DIGIT+)? — over tokens, so skipped spacing inside does not count. */
  private number(): LatexNode {
    let text = '';
    while (this.peek()?.kind === 'digit') text += this.take().text;
    const digitAt = (o: number) => this.peek(o)?.kind === 'digit';
    while (this.peek()?.kind === 'comma' && digitAt(1) && digitAt(2) && digitAt(3)) {
      this.i++;
      text += this.take().text + this.take().text + this.take().text;
    }
    if (this.peek()?.kind === 'dot') {
      this.i++;
      if (!digitAt(0)) throw new LatexSyntaxError('a digit must follow "."');
      text += '.';
      while (this.peek()?.kind === 'digit') text += this.take().text;
    }
    // sympy.Number("01") fails (a Python literal cannot have leading zeros): the whole parse fails.
    if (/^0+[1-9]\d*$/.test(text)) throw new SympifyError(`cannot sympify ${text}`);
    return { t: 'num', text };
  }

  /** \frac's operands: {expr} or a single digit. */
  private fracPart(): LatexNode {
    const t = this.peek();
    if (t?.kind === 'digit') {
      this.i++;
      return { t: 'num', text: t.text };
    }
    if (t?.text !== '{') throw new LatexSyntaxError('\\frac needs {…}{…}');
    return this.group();
  }
}

const hasSymbols = (n: LatexNode): boolean =>
  n.t === 'sym' ? true : n.t === 'bin' || n.t === 'pow' || n.t === 'rel' ? hasSymbols(n.a) || hasSymbols(n.b) : n.t === 'neg' ? hasSymbols(n.a) : n.t === 'call' ? n.args.some(hasSymbols) : false;

/** convert_postfix_list: adjacent factors multiply, and a bare x between two symbol-free factors is "times". */
function implicitProduct(factors: LatexNode[]): LatexNode {
  const kept = factors.filter((f, i) => !(i > 0 && i < factors.length - 1 && f.t === 'sym' && f.name === 'x' && !hasSymbols(factors[i - 1]) && !hasSymbols(factors[i + 1])));
  return kept.reduce((a, b) => ({ t: 'bin', op: '*', a, b }));
}

/** parse_latex: an expression tree, or a LatexSyntaxError where sympy raises LaTeXParsingError. */
export function parseLatex(s: string): LatexNode {
  return new Parser(tokenize(s)).parse();
}

/** A parse that sympy accepts but then fails to convert (sympify raises): not equal, and no backtracking. */
export class SympifyError extends Error {}

export { LatexSyntaxError };
