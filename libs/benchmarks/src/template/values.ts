import { isPlainObject, pyEquals, pyRepr, pyStr, PyTuple } from '../python/str';

/**
 * Runtime values of the Python-semantics template evaluator. Documents are plain JSON values:
 * strings, numbers, booleans, null (None), arrays (lists), plain objects (dicts); templates add
 * tuples, callables and Undefined (lm-eval renders with jinja2's StrictUndefined, so using an
 * undefined value anywhere but `is defined` / `default` is an error).
 */
export class Undefined {
  constructor(readonly name: string) {}
}

export class TemplateRenderError extends Error {}

export type Kwargs = Record<string, unknown>;

export interface PyCallable {
  readonly pyCall: (args: unknown[], kwargs: Kwargs) => unknown;
  readonly pyName: string;
}

export const callable = (pyName: string, pyCall: (args: unknown[], kwargs: Kwargs) => unknown): PyCallable => ({ pyCall, pyName });

export const isCallable = (v: unknown): v is PyCallable => typeof v === 'object' && v !== null && 'pyCall' in v;

export function strictUndefinedError(u: Undefined): TemplateRenderError {
  return new TemplateRenderError(`'${u.name}' is undefined`);
}

export function typeName(v: unknown): string {
  if (v instanceof Undefined) return 'Undefined';
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (isCallable(v)) return 'function';
  if (isPlainObject(v)) return 'dict';
  return typeof v;
}

/** Python truthiness; Undefined raises (StrictUndefined). */
export function truthy(v: unknown): boolean {
  if (v instanceof Undefined) throw strictUndefinedError(v);
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** str(value) as Jinja prints it; Undefined raises. */
export function renderValue(v: unknown): string {
  if (v instanceof Undefined) throw strictUndefinedError(v);
  if (isCallable(v)) return `<function ${v.pyName}>`;
  return pyStr(v);
}

export function reprValue(v: unknown): string {
  if (v instanceof Undefined) throw strictUndefinedError(v);
  return pyRepr(v);
}

export function requireDefined(v: unknown): unknown {
  if (v instanceof Undefined) throw strictUndefinedError(v);
  return v;
}

/** Items of an iterable as Python iterates it (str → characters, dict → keys). */
export function iterate(v: unknown): unknown[] {
  if (v instanceof Undefined) throw strictUndefinedError(v);
  if (typeof v === 'string') return Array.from(v);
  if (v instanceof PyTuple) return v.items;
  if (Array.isArray(v)) return v;
  if (isPlainObject(v)) return Object.keys(v);
  throw new TemplateRenderError(`'${typeName(v)}' object is not iterable`);
}

export function pyLenOf(v: unknown): number {
  if (typeof v === 'string') return Array.from(v).length;
  if (v instanceof PyTuple) return v.items.length;
  if (Array.isArray(v)) return v.length;
  if (isPlainObject(v)) return Object.keys(v).length;
  if (v instanceof Undefined) throw strictUndefinedError(v);
  throw new TemplateRenderError(`object of type '${typeName(v)}' has no len()`);
}

/** Python slice indices for a sequence of length n. */
export function sliceIndices(n: number, start: unknown, stop: unknown, step: unknown): number[] {
  const st = step === undefined || step === null ? 1 : asInt(step, 'slice step');
  if (st === 0) throw new TemplateRenderError('slice step cannot be zero');
  const norm = (v: unknown, dflt: number, lo: number, hi: number): number => {
    if (v === undefined || v === null) return dflt;
    let x = asInt(v, 'slice index');
    if (x < 0) x += n;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: number[] = [];
  if (st > 0) {
    const a = norm(start, 0, 0, n);
    const b = norm(stop, n, 0, n);
    for (let i = a; i < b; i += st) out.push(i);
  } else {
    const a = norm(start, n - 1, -1, n - 1);
    const b = norm(stop, -1, -1, n - 1);
    for (let i = a; i > b; i += st) out.push(i);
  }
  return out;
}

export function asInt(v: unknown, what: string): number {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  throw new TemplateRenderError(`${what} must be an integer, got ${typeName(v)}`);
}

export function asString(v: unknown, what: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof Undefined) throw strictUndefinedError(v);
  throw new TemplateRenderError(`${what} must be a string, got ${typeName(v)}`);
}

/** `a in b` */
export function contains(container: unknown, item: unknown): boolean {
  if (container instanceof Undefined) throw strictUndefinedError(container);
  if (item instanceof Undefined) throw strictUndefinedError(item);
  if (typeof container === 'string') return container.includes(asString(item, "'in <string>' left operand"));
  if (container instanceof PyTuple) return container.items.some((x) => pyEquals(x, item));
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (isPlainObject(container)) return Object.prototype.hasOwnProperty.call(container, String(item));
  throw new TemplateRenderError(`argument of type '${typeName(container)}' is not iterable`);
}

/** Python ordering comparison for numbers, strings and sequences. */
export function compare(a: unknown, b: unknown, op: string): number {
  if (a instanceof Undefined) throw strictUndefinedError(a);
  if (b instanceof Undefined) throw strictUndefinedError(b);
  const num = (v: unknown) => (typeof v === 'boolean' ? Number(v) : v);
  const x = num(a);
  const y = num(b);
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  const seq = (v: unknown) => (v instanceof PyTuple ? v.items : Array.isArray(v) ? v : null);
  const sa = seq(x);
  const sb = seq(y);
  if (sa && sb) {
    for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
      if (!pyEquals(sa[i], sb[i])) return compare(sa[i], sb[i], op);
    }
    return sa.length - sb.length;
  }
  throw new TemplateRenderError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}
