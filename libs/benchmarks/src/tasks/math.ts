import type { FunctionRegistry } from '../functions';
import { getUnnormalizedAnswer, hendrycksAnswer, hendrycksIsEquiv, lastBoxedOnlyString, normalizeFinalAnswer, removeBoxed } from '../math/answers';
import { latexEquivalent } from '../math/latex-equiv';
import type { Doc } from '../types';

/** The boxed answer of a MATH solution (lm-eval: remove_boxed(last_boxed_only_string(solution))). */
export const boxedAnswer = (doc: Doc): string => removeBoxed(lastBoxedOnlyString(String(doc.solution)));

/**
 * minerva_math utils.process_docs: adds the normalized boxed answer. Like Hugging Face's
 * dataset.map, the document keeps its other fields in their places (an existing "answer", as in
 * MATH-500's rows, is replaced where it stands).
 */
export function minervaProcessDocs(docs: Doc[]): Doc[] {
  return docs.map((d) => ({ ...d, problem: d.problem, solution: d.solution, answer: normalizeFinalAnswer(boxedAnswer(d)) }));
}

/** minerva_math utils.process_results: the "Final Answer: The final answer is …" answer, normalized, equivalent to the gold one. */
export function minervaProcessResults(doc: Doc, results: unknown[]): { exact_match: number } {
  const answer = normalizeFinalAnswer(getUnnormalizedAnswer(String(results[0])));
  return { exact_match: latexEquivalent(answer, String(doc.answer)) ? 1 : 0 };
}

/** hendrycks_math utils.process_docs: adds the boxed answer as it is. */
export function hendrycksProcessDocs(docs: Doc[]): Doc[] {
  return docs.map((d) => ({ ...d, problem: d.problem, solution: d.solution, answer: boxedAnswer(d) }));
}

/** hendrycks_math utils.process_results: the text between the first and last "$", string-equivalent (strip_string) to the boxed answer. */
export function hendrycksProcessResults(doc: Doc, results: unknown[]): { exact_match: number } {
  return { exact_match: hendrycksIsEquiv(hendrycksAnswer(String(results[0])), boxedAnswer(doc)) ? 1 : 0 };
}

export function registerMathFunctions(fns: FunctionRegistry): FunctionRegistry {
  return fns
    .register('process_docs', 'minerva_math.process_docs', (docs) => minervaProcessDocs(docs))
    .register('process_results', 'minerva_math.process_results', (doc, results) => minervaProcessResults(doc, results))
    .register('process_docs', 'hendrycks_math.process_docs', (docs) => hendrycksProcessDocs(docs))
    .register('process_results', 'hendrycks_math.process_results', (doc, results) => hendrycksProcessResults(doc, results));
}
