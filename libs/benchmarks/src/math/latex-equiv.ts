import { LatexNode, LatexSyntaxError, parseLatex, SympifyError } from './latex-parse';

/**
 * densebench's stand-in for minerva_math's `is_equiv` (sympy: parse_latex both answers, then
 * `simplify(a - b) == 0`). Both answers are parsed as sympy's LaTeX grammar parses them (a parse
 * failure is "not equal", as in lm-eval), then:
 * - a relation (=, <, ≤, …) on either side is not equal (sympy cannot subtract relations);
 * - anything with ∞ or a division by zero is not equal (∞ - ∞ and zoo - zoo are nan in sympy);
 * - numbers alone are compared exactly: integers and fractions as exact rationals, decimals as
 *   sympy's Floats (doubles: 0.5 = 1/2, but 0.1 + 0.2 ≠ 0.3; within 4 ulps beside roots or π:
 *   3.14159265358979 ≠ π);
 * - with symbols, functions, roots or transcendental values, both sides are evaluated at 3 seeded
 *   points (symbols from [1.2, 2.8], else [0.15, 0.85], [4.2, 9.8], [-2.8, -1.2], where real) and
 *   must agree within 1e-10 relative (4 ulps where a decimal takes part); where no point evaluates
 *   to a real number (square roots of negatives), the parsed trees must be identical.
 * Where this differs from sympy: identities sympy's simplify cannot prove, and values equal within
 * 1e-10 that are not identical, count as equal here; sympy's 5 s timeout never applies; \lim,
 * \int, \sum, \prod and bra-ket notation are refused here; \left| … \right| and other
 * corners of the ANTLR grammar's error recovery may parse differently.
 */
interface Val {
  q?: { n: bigint; d: bigint };
  v: number;
  /** A decimal literal (sympy Float) took part. */
  float: boolean;
  /** Not exactly representable: roots, logs, trig, symbols. */
  approx: boolean;
}

const abs = (x: bigint) => (x < 0n ? -x : x);
const gcd = (a: bigint, b: bigint): bigint => {
  a = abs(a);
  b = abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
};
const bits = (x: bigint) => abs(x).toString(2).length;

/** n / d as a double (±Infinity or 0 beyond its range), without overflowing on the way. */
function ratio(n: bigint, d: bigint): number {
  const shift = BigInt(Math.max(0, Math.min(bits(n), bits(d)) - 64));
  return Number(n >> shift) / Number(d >> shift);
}

function rat(n: bigint, d: bigint, float = false): Val {
  if (d === 0n) return { v: n === 0n ? NaN : Infinity, float, approx: false };
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { q: { n: n / g, d: d / g }, v: ratio(n / g, d / g), float, approx: false };
}

const inexact = (v: number, ...from: Val[]): Val => ({ v, float: from.some((x) => x.float), approx: true });
const floaty = (v: number, ...from: Val[]): Val => ({ v, float: true, approx: from.some((x) => x.approx) });

function arith(op: string, a: Val, b: Val): Val {
  if (a.q && b.q) {
    const { n: an, d: ad } = a.q;
    const { n: bn, d: bd } = b.q;
    const f = a.float || b.float;
    if (op === '+') return rat(an * bd + bn * ad, ad * bd, f);
    if (op === '-') return rat(an * bd - bn * ad, ad * bd, f);
    if (op === '*') return rat(an * bn, ad * bd, f);
    return rat(an * bd, ad * bn, f);
  }
  // a / b is a · b⁻¹ as in sympy, whose Floats multiply by the rounded reciprocal of a rational.
  const v = op === '+' ? a.v + b.v : op === '-' ? a.v - b.v : op === '*' ? a.v * b.v : a.v * (b.q ? ratio(b.q.d, b.q.n) : 1 / b.v);
  return a.approx || b.approx ? inexact(v, a, b) : floaty(v, a, b);
}

/** Exact k-th root of a non-negative bigint, or null. */
function intRoot(x: bigint, k: number): bigint | null {
  if (x < 2n) return x;
  const r = BigInt(Math.round(Math.pow(Number(x), 1 / k)));
  for (const c of [r - 1n, r, r + 1n]) if (c >= 0n && c ** BigInt(k) === x) return c;
  return null;
}

function power(a: Val, b: Val): Val {
  if (a.q && b.q) {
    const { n, d } = a.q;
    const e = b.q;
    if (e.d === 1n && abs(e.n) <= 10000n && (bits(n) + bits(d)) * Number(abs(e.n)) <= 200000) {
      const k = abs(e.n);
      return e.n >= 0n ? rat(n ** k, d ** k) : rat(d ** k, n ** k);
    }
    if (e.d > 1n && e.d <= 64n && n >= 0n) {
      const rn = intRoot(n, Number(e.d));
      const rd = intRoot(d, Number(e.d));
      if (rn !== null && rd !== null) return power(rat(rn, rd), rat(e.n, 1n));
    }
  }
  return inexact(Math.pow(a.v, b.v), a, b);
}

const FUNCS: Record<string, (...x: number[]) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, csc: (x) => 1 / Math.sin(x), sec: (x) => 1 / Math.cos(x), cot: (x) => 1 / Math.tan(x),
  asin: Math.asin, acos: Math.acos, atan: Math.atan, acsc: (x) => Math.asin(1 / x), asec: (x) => Math.acos(1 / x), acot: (x) => Math.atan(1 / x),
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh,
  exp: Math.exp, ln: Math.log, log: (x, b) => Math.log(x) / Math.log(b),
};

const hash = (s: string) => Array.from(s).reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7) / 2 ** 32;

function call(name: string, args: Val[]): Val {
  const [a, b] = args;
  if (name === 'abs' && a.q) return rat(abs(a.q.n), a.q.d);
  if ((name === 'floor' || name === 'ceiling') && a.q) {
    const { n, d } = a.q;
    const f = n >= 0n ? n / d : -((-n + d - 1n) / d);
    return rat(name === 'floor' ? f : f * d === n ? f : f + 1n, 1n);
  }
  if (name === 'abs' || name === 'floor' || name === 'ceiling') return inexact(name === 'abs' ? Math.abs(a.v) : name === 'floor' ? Math.floor(a.v) : Math.ceil(a.v), a);
  if (name === 'pi') return inexact(Math.PI);
  if (name === 'sqrt') return power(a, rat(1n, 2n));
  if (name === 'root') return power(a, b.q ? rat(b.q.d, b.q.n) : inexact(1 / b.v, b));
  if (name === 'factorial' && a.q && a.q.d === 1n && a.q.n >= 0n && a.q.n <= 10000n) {
    let f = 1n;
    for (let i = 2n; i <= a.q.n; i++) f *= i;
    return rat(f, 1n);
  }
  if (name === 'binomial' && a.q && b.q && a.q.d === 1n && b.q.d === 1n && a.q.n >= 0n && a.q.n <= 5000n) {
    const [n, k] = [a.q.n, b.q.n];
    if (k < 0n || k > n) return rat(0n, 1n);
    let r = 1n;
    for (let i = 1n; i <= k; i++) r = (r * (n - k + i)) / i;
    return rat(r, 1n);
  }
  if (name.startsWith('fn:')) {
    // An undefined function (sympy Function): the same name at the same arguments gives the same value.
    const h = hash(name);
    return inexact(Math.sin(args.reduce((acc, x, i) => acc + x.v * (i + 1.37), 0) * (1 + h) + h * 6) + 2, ...args);
  }
  const fn = FUNCS[name];
  return inexact(fn ? fn(...args.map((x) => x.v)) : NaN, ...args);
}

/**
 * A decimal literal: a sympy Float. Up to 15 significant digits it is a double; with more, sympy
 * keeps the extra precision, so it is taken as the exact decimal (0.3333333333333333 ≠ 1/3).
 */
function decimal(text: string): Val {
  const digits = text.replace('.', '').replace(/^0+/, '');
  if (digits.length <= 15) return { v: parseFloat(text), float: true, approx: false };
  const [int, frac] = text.split('.');
  return { ...rat(BigInt(int + frac), 10n ** BigInt(frac.length)), float: true };
}

function evaluate(n: LatexNode, env: Map<string, number>): Val {
  switch (n.t) {
    case 'num':
      return n.text.includes('.') ? decimal(n.text) : rat(BigInt(n.text), 1n);
    case 'sym':
      return { v: env.get(n.name)!, float: false, approx: true };
    case 'inf':
      return { v: Infinity, float: false, approx: false };
    case 'neg':
      return arith('-', rat(0n, 1n), evaluate(n.a, env));
    case 'bin':
      return arith(n.op, evaluate(n.a, env), evaluate(n.b, env));
    case 'pow':
      return power(evaluate(n.a, env), evaluate(n.b, env));
    case 'call':
      return call(n.name, n.args.map((a) => evaluate(a, env)));
    case 'rel':
      return { v: NaN, float: false, approx: false };
  }
}

function walk(n: LatexNode, visit: (x: LatexNode) => void): void {
  visit(n);
  if (n.t === 'bin' || n.t === 'pow' || n.t === 'rel') {
    walk(n.a, visit);
    walk(n.b, visit);
  } else if (n.t === 'neg') walk(n.a, visit);
  else if (n.t === 'call') n.args.forEach((a) => walk(a, visit));
}

/** Where symbols are evaluated: seeded (mulberry32) draws from [1.2, 2.8], then [0.15, 0.85], [4.2, 9.8], [-2.8, -1.2]. */
const RANGES: Array<[number, number]> = [
  [1.2, 2.8],
  [0.15, 0.85],
  [4.2, 9.8],
  [-2.8, -1.2],
];
function points(names: string[]): Array<Map<string, number>> {
  let seed = 0x2545f491;
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return RANGES.flatMap(([lo, hi]) => Array.from({ length: 3 }, () => new Map(names.map((s) => [s, lo + (hi - lo) * next()]))));
}

/** 4 units in the last place: how far sympy's Float arithmetic and doubles may round apart. */
const FLOAT_TOL = 4 * Number.EPSILON;

function agree(a: Val, b: Val): boolean {
  if (a.q && b.q) return a.q.n === b.q.n && a.q.d === b.q.d;
  if (!Number.isFinite(a.v) || !Number.isFinite(b.v)) return false;
  if (!a.approx && !b.approx) return a.v - b.v === 0; // Float arithmetic alone: sympy's difference must be 0
  const scale = Math.max(1, Math.abs(a.v), Math.abs(b.v));
  if (a.float || b.float) return Math.abs(a.v - b.v) <= FLOAT_TOL * scale;
  return Math.abs(a.v - b.v) <= 1e-10 * scale;
}

/** Whether two normalized answers are equal in the sense described above. */
export function latexEquivalent(a: string, b: string): boolean {
  let x: LatexNode;
  let y: LatexNode;
  try {
    x = parseLatex(a);
    y = parseLatex(b);
  } catch (err) {
    if (err instanceof LatexSyntaxError || err instanceof SympifyError) return false;
    throw err;
  }
  const names = new Set<string>();
  let refused = x.t === 'rel' || y.t === 'rel';
  for (const n of [x, y]) walk(n, (m) => (m.t === 'sym' ? names.add(m.name) : m.t === 'inf' ? (refused = true) : undefined));
  if (refused) return false;
  let valid = 0;
  for (const env of names.size ? points([...names].sort()) : [new Map<string, number>()]) {
    if (valid === 3) break;
    const [va, vb] = [evaluate(x, env), evaluate(y, env)];
    if ((!va.q && Math.abs(va.v) === Infinity) || (!vb.q && Math.abs(vb.v) === Infinity)) return false; // zoo / oo: nan in sympy
    if (Number.isNaN(va.v) || Number.isNaN(vb.v)) continue; // complex values: compared as trees below

    if (!agree(va, vb)) return false;
    valid++;
  }
  return valid > 0 || JSON.stringify(x) === JSON.stringify(y);
}
