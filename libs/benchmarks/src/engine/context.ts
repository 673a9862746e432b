import { pyStr } from '../python/str';
import type { Doc, TaskDefinition } from '../types';

/**
 * The answer of a document as it appears after the target delimiter in a few-shot example
 * (lm-eval ContextSampler.get_context): the first target of a list, the target string itself,
 * or doc_to_choice(doc)[target] for an index.
 */
export function fewshotTargetText(task: TaskDefinition, doc: Doc): string {
  const target = task.fewshot.docToTarget(doc);
  if (Array.isArray(target)) return pyStr(target[0]);
  if (typeof target === 'string') return target;
  const choices = task.fewshot.docToChoice?.(doc);
  if (!choices) return pyStr(target);
  const c = choices[target < 0 ? choices.length + target : target];
  if (c === undefined) throw new Error(`few-shot target ${target} is not an index into ${choices.length} choices`);
  return c;
}

/** Back-compatible name: the target text of a document (few-shot form). */
export const targetText = fewshotTargetText;

/** One labeled example: doc_to_text + target_delimiter + [gen_prefix + " "] + answer + fewshot_delimiter. */
export function labeledExample(task: TaskDefinition, doc: Doc, genPrefix?: string): string {
  let out = '';
  const content = task.fewshot.docToText(doc);
  if (typeof content === 'string') out += content;
  else {
    const choices = task.fewshot.docToChoice?.(doc);
    if (choices) out += choices[content];
  }
  const target = task.fewshot.docToTarget(doc);
  if (target !== '') {
    out += task.fewshot.targetDelimiter + (genPrefix ? `${genPrefix} ` : '') + fewshotTargetText(task, doc) + task.fewshot.fewshotDelimiter;
  }
  return out;
}

/**
 * lm-eval ConfigurableTask.fewshot_context (no chat template): description (rendered with the
 * document) + the labeled few-shot examples + doc_to_text(doc) (+ target_delimiter + gen_prefix when
 * the task has one). `fewshot` are the examples already selected for this document.
 */
export function fewshotContext(task: TaskDefinition, doc: Doc, fewshot: readonly Doc[]): string {
  const genPrefix = task.genPrefix?.(doc);
  let ctx = task.renderDescription(doc);
  for (const ex of fewshot) ctx += labeledExample(task, ex, genPrefix);
  const prefix = genPrefix !== undefined ? task.targetDelimiter + genPrefix : '';
  const example = task.docToText(doc);
  if (typeof example === 'string') return ctx + example + prefix;
  const choices = task.docToChoice?.(doc);
  // An int doc_to_text with choices is lm-eval's "multiple input" form: the context is the choices.
  return choices ? ctx : ctx + pyStr(example) + prefix;
}

/** Back-compatible name. */
export const buildContext = fewshotContext;
