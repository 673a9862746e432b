import { taskError } from '../errors';
import type { FunctionRegistry } from '../functions';
import { literalEval } from '../python/literal-eval';
import { pyIsDigit } from '../python/str';
import { compileTemplate, TemplateSyntaxError } from '../template/template';
import { Doc, FunctionRef, isFunctionRef } from '../types';

interface Where {
  task: string;
  field: string;
  line?: number;
  source?: string;
}

const hasField = (doc: Doc, name: string) => Object.prototype.hasOwnProperty.call(doc, name);

/** Compiles a template at registration time; syntax errors name the task and field. */
export function compileOrFail(source: string, where: Where) {
  try {
    return compileTemplate(source);
  } catch (err) {
    if (err instanceof TemplateSyntaxError) throw taskError(where, `${err.message} in template ${JSON.stringify(source.length > 120 ? source.slice(0, 120) + '…' : source)}`);
    throw err;
  }
}

type DocFn = (doc: Doc) => unknown;

function fnOf(ref: FunctionRef, functions: FunctionRegistry, where: Where): DocFn {
  return functions.get('doc', ref.function, where);
}

/**
 * lm-eval ConfigurableTask.doc_to_text: an int is returned as is; a string naming a document field
 * returns that field; otherwise the string is a template, and a rendered all-digit string becomes an
 * int (via ast.literal_eval) when the task has choices.
 */
export function makeDocToText(spec: string | number | FunctionRef | undefined, hasChoice: boolean, functions: FunctionRegistry, where: Where): (doc: Doc) => string | number {
  if (spec === undefined) return () => '';
  if (typeof spec === 'number') return () => spec;
  if (isFunctionRef(spec)) {
    const fn = fnOf(spec, functions, where);
    return (doc) => fn(doc) as string | number;
  }
  const tpl = compileOrFail(spec, where);
  return (doc) => {
    if (hasField(doc, spec)) return doc[spec] as string | number;
    const s = tpl.render(doc);
    return pyIsDigit(s) && hasChoice ? (literalEval(s) as number) : s;
  };
}

/** lm-eval doc_to_target: like doc_to_text, and a rendered "[…]" is parsed as a list when it can be. */
export function makeDocToTarget(
  spec: string | number | Array<string | number> | FunctionRef | undefined,
  hasChoice: boolean,
  functions: FunctionRegistry,
  where: Where,
): (doc: Doc) => number | string | Array<number | string> {
  if (spec === undefined) return () => '';
  if (typeof spec === 'number' || Array.isArray(spec)) return () => spec;
  if (isFunctionRef(spec)) {
    const fn = fnOf(spec, functions, where);
    return (doc) => fn(doc) as number | string;
  }
  const tpl = compileOrFail(spec, where);
  return (doc) => {
    if (hasField(doc, spec)) return doc[spec] as number | string;
    const s = tpl.render(doc);
    if (pyIsDigit(s) && hasChoice) return literalEval(s) as number;
    if (s.length >= 2 && s[0] === '[' && s[s.length - 1] === ']') {
      try {
        return literalEval(s) as Array<number | string>;
      } catch {
        return s;
      }
    }
    return s;
  };
}

/** lm-eval doc_to_choice: a field name, a template rendered then parsed with ast.literal_eval, a list, or a dict's values. */
export function makeDocToChoice(
  spec: string | string[] | Record<string, string> | FunctionRef | undefined,
  functions: FunctionRegistry,
  where: Where,
): ((doc: Doc) => string[]) | undefined {
  if (spec === undefined) return undefined;
  const check = (v: unknown): string[] => {
    if (!Array.isArray(v)) throw new Error(`doc_to_choice must give a list, got ${JSON.stringify(v)?.slice(0, 80)}`);
    v.forEach((c, i) => {
      if (typeof c !== 'string') throw new Error(`doc_to_choice item ${i} is not a string: ${JSON.stringify(c)}`);
    });
    return v as string[];
  };
  if (Array.isArray(spec)) return () => spec;
  if (isFunctionRef(spec)) {
    const fn = fnOf(spec, functions, where);
    return (doc) => check(fn(doc));
  }
  if (typeof spec === 'object') {
    const values = Object.values(spec);
    return () => values;
  }
  const tpl = compileOrFail(spec, where);
  return (doc) => check(hasField(doc, spec) ? doc[spec] : literalEval(tpl.render(doc)));
}

/** A template or field name rendered to a string (description, gen_prefix, loss_target). */
export function makeStringField(spec: string | undefined, where: Where, allowField = false): ((doc: Doc) => string) | undefined {
  if (spec === undefined) return undefined;
  const tpl = compileOrFail(spec, where);
  return (doc) => (allowField && hasField(doc, spec) ? String(doc[spec]) : tpl.render(doc));
}
