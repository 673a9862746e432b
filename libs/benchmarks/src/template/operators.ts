import { pyEquals, PyTuple } from '../python/str';
import { compare, contains, renderValue, requireDefined, TemplateRenderError, typeName } from './values';

/** Python binary operators on template values (`and`/`or` short-circuit in the evaluator). */
export function binaryOp(op: string, left: unknown, right: unknown): unknown {
  switch (op) {
    case '==':
      return pyEquals(requireDefined(left), requireDefined(right));
    case '!=':
      return !pyEquals(requireDefined(left), requireDefined(right));
    case '<':
      return compare(left, right, op) < 0;
    case '>':
      return compare(left, right, op) > 0;
    case '<=':
      return compare(left, right, op) <= 0;
    case '>=':
      return compare(left, right, op) >= 0;
    case 'in':
      return contains(right, left);
    case 'not in':
      return !contains(right, left);
    case '~':
      return renderValue(left) + renderValue(right);
  }
  requireDefined(left);
  requireDefined(right);
  const num = (v: unknown) => (typeof v === 'boolean' ? Number(v) : v);
  const a = num(left);
  const b = num(right);
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        if (b === 0) throw new TemplateRenderError('ZeroDivisionError: division by zero');
        return a / b;
      case '//':
        if (b === 0) throw new TemplateRenderError('ZeroDivisionError: integer division by zero');
        return Math.floor(a / b);
      case '%':
        if (b === 0) throw new TemplateRenderError('ZeroDivisionError: modulo by zero');
        return a - b * Math.floor(a / b);
      case '**':
        return a ** b;
    }
  }
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple([...a.items, ...b.items]);
  }
  if (op === '*') {
    const rep = (seq: unknown, n: unknown) => {
      if (typeof n !== 'number' || !Number.isInteger(n)) return undefined;
      if (typeof seq === 'string') return seq.repeat(Math.max(0, n));
      if (Array.isArray(seq)) return Array.from({ length: Math.max(0, n) }, () => seq).flat();
      return undefined;
    };
    const r = rep(a, b) ?? rep(b, a);
    if (r !== undefined) return r;
  }
  throw new TemplateRenderError(`unsupported operand type(s) for ${op}: '${typeName(left)}' and '${typeName(right)}'`);
}
