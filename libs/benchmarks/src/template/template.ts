import { PyTuple } from '../python/str';
import { FILTERS, getAttribute, getItem, GLOBALS, TESTS } from './builtins';
import { binaryOp } from './operators';
import {
  isCallable,
  iterate,
  Kwargs,
  renderValue,
  requireDefined,
  sliceIndices,
  TemplateRenderError,
  truthy,
  typeName,
  Undefined,
} from './values';

type Jinja = typeof import('@huggingface/jinja', { with: { 'resolution-mode': 'import' } });
// @huggingface/jinja is published as ESM with a CommonJS build; require() picks the CommonJS one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jinja = require('@huggingface/jinja') as Jinja;

/**
 * Jinja templates with Python semantics, as lm-evaluation-harness renders them
 * (`jinja2.Environment(undefined=StrictUndefined, keep_trailing_newline=True)` plus a
 * `regex_replace` filter). @huggingface/jinja tokenizes and parses; evaluation is ours so that
 * values behave like Python's: `str.strip()`, `list.index()`, negative indices, `str(list)` as
 * Python's repr (lm-eval parses rendered lists back with ast.literal_eval), `None`/`True`
 * rendering, and undefined variables raising instead of rendering as "".
 */
export class TemplateSyntaxError extends Error {}

// AST nodes from @huggingface/jinja, typed structurally.
interface Node {
  type: string;
  [k: string]: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const STATEMENTS = new Set(['Set', 'If', 'For', 'Macro', 'Comment', 'Break', 'Continue', 'CallStatement', 'FilterStatement']);

class BreakSignal {}
class ContinueSignal {}

class Scope {
  private readonly vars = new Map<string, unknown>();
  constructor(private readonly parent?: Scope) {}
  lookup(name: string): unknown {
    if (this.vars.has(name)) return this.vars.get(name);
    return this.parent ? this.parent.lookup(name) : undefined;
  }
  has(name: string): boolean {
    return this.vars.has(name) || (this.parent?.has(name) ?? false);
  }
  set(name: string, value: unknown): void {
    this.vars.set(name, value);
  }
}

export class CompiledTemplate {
  private readonly program: Node;
  private readonly trailingNewline: boolean;

  constructor(readonly source: string) {
    try {
      this.program = jinja.parse(jinja.tokenize(source, {})) as unknown as Node;
    } catch (err) {
      throw new TemplateSyntaxError(`template syntax error: ${(err as Error).message}`);
    }
    // The lexer drops one trailing newline (Jinja's default); lm-eval keeps it.
    this.trailingNewline = source.endsWith('\n');
    checkNames(this.program);
  }

  /** Renders with the document's fields as variables. */
  render(vars: Record<string, unknown>): string {
    const scope = new Scope();
    for (const [k, v] of Object.entries(vars)) scope.set(k, v);
    const out = this.block(this.program.body as Node[], scope);
    return this.trailingNewline ? out + '\n' : out;
  }

  private block(statements: Node[], scope: Scope): string {
    let out = '';
    for (const st of statements) {
      if (STATEMENTS.has(st.type)) out += this.statement(st, scope);
      else out += renderValue(this.expr(st, scope));
    }
    return out;
  }

  private statement(st: Node, scope: Scope): string {
    switch (st.type) {
      case 'Comment':
        return '';
      case 'Macro':
        this.defineMacro(st, scope);
        return '';
      case 'Set': {
        const value = st.value ? this.expr(st.value, scope) : this.block(st.body, scope);
        this.assign(st.assignee, value, scope);
        return '';
      }
      case 'If':
        return truthy(this.expr(st.test, scope)) ? this.block(st.body, scope) : this.block(st.alternate, scope);
      case 'For':
        return this.forLoop(st, scope);
      case 'FilterStatement':
        return String(this.filter(this.block(st.body, scope), st.filter, scope));
      case 'Break':
        throw new BreakSignal();
      case 'Continue':
        throw new ContinueSignal();
      default:
        throw new TemplateRenderError(`{% ${st.type} %} is not supported`);
    }
  }

  private assign(target: Node, value: unknown, scope: Scope): void {
    if (target.type === 'Identifier') scope.set(target.value, value);
    else if (target.type === 'TupleLiteral') {
      const items = iterate(value);
      if (items.length !== target.value.length) throw new TemplateRenderError(`cannot unpack ${items.length} values into ${target.value.length}`);
      (target.value as Node[]).forEach((t, i) => this.assign(t, items[i], scope));
    } else if (target.type === 'MemberExpression' && !target.computed) {
      const obj = this.expr(target.object, scope);
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new TemplateRenderError('can only assign attributes of a namespace');
      (obj as Record<string, unknown>)[target.property.value] = value;
    } else throw new TemplateRenderError(`cannot assign to ${target.type}`);
  }

  private forLoop(st: Node, scope: Scope): string {
    const select = st.iterable.type === 'SelectExpression' ? st.iterable : null;
    const all = iterate(this.expr(select ? select.lhs : st.iterable, scope));
    const items: Array<{ value: unknown; scope: Scope }> = [];
    for (const value of all) {
      const s = new Scope(scope);
      this.assign(st.loopvar, value, s);
      if (select && !truthy(this.expr(select.test, s))) continue;
      items.push({ value, scope: s });
    }
    let out = '';
    for (let i = 0; i < items.length; i++) {
      const s = items[i].scope;
      s.set('loop', {
        index: i + 1,
        index0: i,
        revindex: items.length - i,
        revindex0: items.length - i - 1,
        first: i === 0,
        last: i === items.length - 1,
        length: items.length,
        previtem: i > 0 ? items[i - 1].value : new Undefined('loop.previtem'),
        nextitem: i < items.length - 1 ? items[i + 1].value : new Undefined('loop.nextitem'),
      });
      try {
        out += this.block(st.body, s);
      } catch (sig) {
        if (sig instanceof ContinueSignal) continue;
        if (sig instanceof BreakSignal) break;
        throw sig;
      }
    }
    if (items.length === 0 && st.defaultBlock?.length) out += this.block(st.defaultBlock, scope);
    return out;
  }

  private defineMacro(st: Node, scope: Scope): void {
    const params = st.args as Node[];
    scope.set(st.name.value, {
      pyName: st.name.value,
      pyCall: (args: unknown[], kwargs: Kwargs) => {
        const s = new Scope(scope);
        params.forEach((p, i) => {
          const name = p.type === 'Identifier' ? p.value : p.key.value;
          if (i < args.length) s.set(name, args[i]);
          else if (name in kwargs) s.set(name, kwargs[name]);
          else if (p.type === 'KeywordArgumentExpression') s.set(name, this.expr(p.value, s));
          else s.set(name, new Undefined(name));
        });
        return this.block(st.body, s);
      },
    });
  }

  private describe(node: Node): string {
    switch (node.type) {
      case 'Identifier':
        return node.value;
      case 'MemberExpression':
        return node.computed ? `${this.describe(node.object)}[…]` : `${this.describe(node.object)}.${node.property.value}`;
      case 'CallExpression':
        return `${this.describe(node.callee)}()`;
      default:
        return node.type;
    }
  }

  private expr(node: Node, scope: Scope): unknown {
    switch (node.type) {
      case 'StringLiteral':
      case 'IntegerLiteral':
      case 'FloatLiteral':
        return node.value;
      case 'ArrayLiteral':
        return (node.value as Node[]).map((x) => this.expr(x, scope));
      case 'TupleLiteral':
        return new PyTuple((node.value as Node[]).map((x) => this.expr(x, scope)));
      case 'ObjectLiteral': {
        const out: Record<string, unknown> = {};
        for (const [k, v] of node.value as Map<Node, Node>) out[String(requireDefined(this.expr(k, scope)))] = this.expr(v, scope);
        return out;
      }
      case 'Identifier': {
        if (scope.has(node.value)) return scope.lookup(node.value);
        if (node.value in GLOBALS) return GLOBALS[node.value];
        return new Undefined(node.value);
      }
      case 'MemberExpression': {
        const obj = this.expr(node.object, scope);
        const what = this.describe(node.object);
        if (node.computed) {
          if (node.property.type === 'SliceExpression') return this.slice(obj, node.property, scope);
          return getItem(obj, this.expr(node.property, scope), what);
        }
        return getAttribute(obj, node.property.value, what);
      }
      case 'CallExpression': {
        const fn = this.expr(node.callee, scope);
        if (fn instanceof Undefined) throw new TemplateRenderError(`'${fn.name}' is undefined`);
        if (!isCallable(fn)) throw new TemplateRenderError(`'${typeName(fn)}' object (${this.describe(node.callee)}) is not callable`);
        const args: unknown[] = [];
        const kwargs: Kwargs = {};
        for (const a of node.args as Node[]) {
          if (a.type === 'KeywordArgumentExpression') kwargs[a.key.value] = this.expr(a.value, scope);
          else if (a.type === 'SpreadExpression') args.push(...iterate(this.expr(a.argument, scope)));
          else args.push(this.expr(a, scope));
        }
        return fn.pyCall(args, kwargs);
      }
      case 'UnaryExpression': {
        const v = this.expr(node.argument, scope);
        if (node.operator.value === 'not') return !truthy(v);
        requireDefined(v);
        if (typeof v !== 'number' && typeof v !== 'boolean') throw new TemplateRenderError(`bad operand type for unary ${node.operator.value}: '${typeName(v)}'`);
        return node.operator.value === '-' ? -Number(v) : Number(v);
      }
      case 'BinaryExpression':
        return this.binary(node, scope);
      case 'Ternary':
        return truthy(this.expr(node.condition, scope)) ? this.expr(node.trueExpr, scope) : this.expr(node.falseExpr, scope);
      case 'SelectExpression':
        return truthy(this.expr(node.test, scope)) ? this.expr(node.lhs, scope) : new Undefined('<inline if>');
      case 'FilterExpression':
        return this.filter(this.expr(node.operand, scope), node.filter, scope);
      case 'TestExpression': {
        const name = node.test.value as string;
        const v = this.expr(node.operand, scope);
        const result = TESTS[name](v, []);
        return node.negate ? !result : result;
      }
      default:
        throw new TemplateRenderError(`unsupported expression ${node.type}`);
    }
  }

  private slice(obj: unknown, sl: Node, scope: Scope): unknown {
    requireDefined(obj);
    const ev = (n: Node | undefined) => (n ? this.expr(n, scope) : undefined);
    if (typeof obj === 'string') {
      const cps = Array.from(obj);
      return sliceIndices(cps.length, ev(sl.start), ev(sl.stop), ev(sl.step))
        .map((i) => cps[i])
        .join('');
    }
    const items = obj instanceof PyTuple ? obj.items : Array.isArray(obj) ? obj : null;
    if (!items) throw new TemplateRenderError(`'${typeName(obj)}' object is not subscriptable`);
    const out = sliceIndices(items.length, ev(sl.start), ev(sl.stop), ev(sl.step)).map((i) => items[i]);
    return obj instanceof PyTuple ? new PyTuple(out) : out;
  }

  private filter(value: unknown, f: Node, scope: Scope): unknown {
    const name = f.type === 'Identifier' ? (f.value as string) : (f.callee.value as string);
    const args: unknown[] = [];
    const kwargs: Kwargs = {};
    if (f.type === 'CallExpression') {
      for (const a of f.args as Node[]) {
        if (a.type === 'KeywordArgumentExpression') kwargs[a.key.value] = this.expr(a.value, scope);
        else args.push(this.expr(a, scope));
      }
    }
    return applyFilter(name, value, args, kwargs);
  }

  private binary(node: Node, scope: Scope): unknown {
    const op = node.operator.value as string;
    const left = this.expr(node.left, scope);
    if (op === 'and') return truthy(left) ? this.expr(node.right, scope) : left;
    if (op === 'or') return truthy(left) ? left : this.expr(node.right, scope);
    return binaryOp(op, left, this.expr(node.right, scope));
  }
}

export function applyFilter(name: string, value: unknown, args: unknown[], kwargs: Kwargs = {}): unknown {
  const f = FILTERS[name];
  if (!f) throw new TemplateRenderError(`no filter named '${name}'`);
  if (value instanceof Undefined && name !== 'default' && name !== 'd') throw new TemplateRenderError(`'${value.name}' is undefined`);
  return f(value, args, kwargs, (n, v, a) => applyFilter(n, v, a));
}

/** Jinja checks filter and test names when it compiles; so do we (registration-time errors). */
function checkNames(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(checkNames);
    return;
  }
  if (node instanceof Map) {
    for (const [k, v] of node) {
      checkNames(k);
      checkNames(v);
    }
    return;
  }
  if (!node || typeof node !== 'object' || !('type' in node)) return;
  const n = node as Node;
  if (n.type === 'FilterExpression' || n.type === 'FilterStatement') {
    const name = n.filter.type === 'Identifier' ? n.filter.value : n.filter.callee?.value;
    if (!(name in FILTERS)) throw new TemplateSyntaxError(`no filter named '${String(name)}'`);
  }
  if (n.type === 'TestExpression' && !(n.test.value in TESTS)) throw new TemplateSyntaxError(`no test named '${String(n.test.value)}'`);
  if (n.type === 'CallStatement') throw new TemplateSyntaxError('{% call %} blocks are not supported');
  for (const [k, v] of Object.entries(n)) if (k !== 'type' && k !== 'operator') checkNames(v);
}

const compiled = new Map<string, CompiledTemplate>();

/** Compiles (and caches) a template; throws TemplateSyntaxError. */
export function compileTemplate(source: string): CompiledTemplate {
  let t = compiled.get(source);
  if (!t) {
    t = new CompiledTemplate(source);
    compiled.set(source, t);
  }
  return t;
}

/** utils.apply_template(template, doc) */
export function applyTemplate(source: string, doc: Record<string, unknown>): string {
  return compileTemplate(source).render(doc);
}
