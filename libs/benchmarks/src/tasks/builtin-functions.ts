import type { FunctionRegistry } from '../functions';
import { truthfulqaMc2 } from '../metrics/multiple-choice';
import { pyFindall, pySub } from '../python/regex';
import { pyCapitalize, pyStrip } from '../python/str';
import type { Doc } from '../types';
import { logiqaDocToTarget, logiqaDocToText, logiqaProcessDocs } from './logiqa';
import { registerMathFunctions } from './math';
import { winograndeDocToChoice, winograndeDocToTarget, winograndeDocToText, winograndeProcessDocs, wsc273ProcessDocs } from './winograd';

/** lm-eval tasks/hellaswag/utils.py preprocess(). */
export function hellaswagPreprocess(text: string): string {
  let t = pyStrip(text);
  t = t.split(' [title]').join('. ');
  t = pySub('\\[.*?\\]', '', t);
  return t.split('  ').join(' ');
}

/**
 * HellaSwag documents → lm-eval's {query, choices, gold}. Two shapes:
 * - the Hugging Face / original jsonl shape (activity_label, ctx_a, ctx_b, endings, label): exactly
 *   lm-eval's process_docs, query = preprocess(activity_label + ": " + ctx_a + " " + ctx_b.capitalize());
 * - llama.cpp's text export (query = "activity_label: ctx", label, endings): the export already joined
 *   ctx_a and ctx_b without capitalizing ctx_b, so the query keeps ctx_b's original case (most
 *   ActivityNet items differ from lm-eval's prompt in that one letter); preprocess() is applied again.
 */
export function hellaswagProcessDocs(docs: Doc[]): Doc[] {
  return docs.map((d) => {
    if (typeof d.ctx_a === 'string') {
      const ctx = `${d.ctx_a} ${pyCapitalize(String(d.ctx_b ?? ''))}`;
      return {
        ...d,
        query: hellaswagPreprocess(`${String(d.activity_label)}: ${ctx}`),
        choices: (d.endings as string[]).map(hellaswagPreprocess),
        gold: parseInt(String(d.label), 10),
      };
    }
    return { ...d, query: hellaswagPreprocess(String(d.query)), choices: (d.endings as string[]).map(hellaswagPreprocess), gold: Number(d.label) };
  });
}

/** ARC: llm-foundry's {query: "Question: …", choices, gold} → the HF allenai/ai2_arc shape; HF rows pass through. */
export function arcProcessDocs(docs: Doc[]): Doc[] {
  return docs.map((d, i) => {
    if (typeof d.question === 'string' && d.choices && typeof d.answerKey === 'string') return d;
    const choices = d.choices as string[];
    const label = choices.map((_, j) => String.fromCharCode(65 + j));
    return {
      id: String(i),
      question: String(d.query).replace(/^Question: /, ''),
      choices: { text: choices, label },
      answerKey: label[d.gold as number],
    };
  });
}

/** MMLU CSV rows (question, choice0..3, answer index) → the HF cais/mmlu shape {question, choices, answer}. */
export function mmluProcessDocs(docs: Doc[]): Doc[] {
  return docs.map((d) => {
    if (Array.isArray(d.choices)) return { ...d, answer: Number(d.answer) };
    return { question: d.question, choices: [d.choice0, d.choice1, d.choice2, d.choice3].map((c) => String(c)), answer: Number(d.answer) };
  });
}

/** TruthfulQA's own answer formatting (TruthfulQA utilities.py split_multi_answer / format_best). */
function splitAnswers(ans: string): string[] {
  return pyStrip(ans)
    .split(';')
    .map((a) => pyStrip(a))
    .filter((a) => a.length > 0)
    .map((a) => (a.endsWith('.') ? a : `${a}.`));
}

/**
 * TruthfulQA.csv rows → the truthful_qa "multiple_choice" shape lm-eval reads:
 * mc1_targets = [Best Answer] + Incorrect Answers (labels 1, 0, …), mc2_targets = Correct Answers +
 * Incorrect Answers (labels 1…, 0…), answers split on ";" with a final period added as the
 * TruthfulQA repository's MC evaluation does. Rows already in the HF shape pass through.
 */
export function truthfulqaProcessDocs(docs: Doc[]): Doc[] {
  return docs.map((d) => {
    if (d.mc1_targets && d.mc2_targets) return d;
    const best = pyStrip(String(d['Best Answer'] ?? ''));
    const bestF = best.endsWith('.') ? best : `${best}.`;
    const correct = splitAnswers(String(d['Correct Answers'] ?? ''));
    const incorrect = splitAnswers(String(d['Incorrect Answers'] ?? ''));
    return {
      question: d.Question,
      mc1_targets: { choices: [bestF, ...incorrect], labels: [1, ...incorrect.map(() => 0)] },
      mc2_targets: { choices: [...correct, ...incorrect], labels: [...correct.map(() => 1), ...incorrect.map(() => 0)] },
    };
  });
}

/** PIQA rows (valid.jsonl + the label zipped from valid-labels.lst) → the HF piqa shape {goal, sol1, sol2, label}. */
export function piqaProcessDocs(docs: Doc[]): Doc[] {
  return docs.map((d) => {
    const label = Number(d.label);
    if (!Number.isInteger(label)) throw new Error(`label must be an integer, got ${JSON.stringify(d.label)} (is dataset_kwargs.line_columns set?)`);
    return { goal: d.goal, sol1: d.sol1, sol2: d.sol2, label };
  });
}

/** MBPP "full" splits by task id, as the HF dataset has them; "prompt_fewshot" = tasks 2, 3, 4 (lm-eval's few-shot). */
const MBPP_SPLITS: Record<string, (id: number) => boolean> = {
  prompt: (id) => id >= 1 && id <= 10,
  test: (id) => id >= 11 && id <= 510,
  validation: (id) => id >= 511 && id <= 600,
  train: (id) => id >= 601 && id <= 974,
};

export function mbppProcessDocs(docs: Doc[], split: string): Doc[] {
  if (split === 'prompt_fewshot') {
    return [2, 3, 4].map((id) => {
      const d = docs.find((x) => x.task_id === id);
      if (!d) throw new Error(`MBPP task ${id} (a few-shot example) is missing from the data`);
      return { task_id: d.task_id, text: d.text, code: d.code, test_list: d.test_list, is_fewshot: true };
    });
  }
  const inSplit = MBPP_SPLITS[split];
  if (!inSplit) return docs;
  const hasIds = docs.some((d) => typeof d.task_id === 'number' && (d.task_id as number) < 11);
  return hasIds ? docs.filter((d) => inSplit(d.task_id as number)) : docs;
}

/** lm-eval tasks/mbpp/utils.py extract_code_blocks. */
export function extractCodeBlocks(text: string): string {
  const header = 'from __future__ import annotations\n';
  const pattern = '(?s)```(?:\\w+)?\\n?(.*?)\\n?```';
  let matches = pyFindall(pattern, '```' + text);
  if (matches.length === 0) matches = pyFindall(pattern, text.split('```python').join('```'));
  return header + (matches.length === 0 ? text : (matches[0] as string));
}

export function registerBuiltinFunctions(fns: FunctionRegistry): FunctionRegistry {
  fns
    .register('process_docs', 'hellaswag.process_docs', (docs) => hellaswagProcessDocs(docs))
    .register('process_docs', 'arc.process_docs', (docs) => arcProcessDocs(docs))
    .register('process_docs', 'mmlu.process_docs', (docs) => mmluProcessDocs(docs))
    .register('process_docs', 'truthfulqa.process_docs_mc', (docs) => truthfulqaProcessDocs(docs))
    .register('process_docs', 'mbpp.process_docs', (docs, ctx) => mbppProcessDocs(docs, ctx.split))
    .register('process_docs', 'piqa.process_docs', (docs) => piqaProcessDocs(docs))
    .register('process_docs', 'winogrande.process_docs', (docs) => winograndeProcessDocs(docs))
    .register('doc', 'preprocess_winogrande.doc_to_text', (doc) => winograndeDocToText(doc))
    .register('doc', 'preprocess_winogrande.doc_to_target', (doc) => winograndeDocToTarget(doc))
    .register('doc', 'preprocess_winogrande.doc_to_choice', (doc) => winograndeDocToChoice(doc))
    .register('process_docs', 'utils_logiqa.process_docs', (docs) => logiqaProcessDocs(docs))
    .register('doc', 'utils_logiqa.doc_to_text', (doc) => logiqaDocToText(doc))
    .register('doc', 'utils_logiqa.doc_to_target', (doc) => logiqaDocToTarget(doc))
    .register('process_docs', 'wsc273.process_docs', (docs) => wsc273ProcessDocs(docs))
    .register('process_results', 'truthfulqa.process_results_mc2', (doc, results) => {
      const lls = (results as Array<[number, boolean]>).map((r) => r[0]);
      return { acc: truthfulqaMc2(lls, (doc.mc2_targets as { labels: number[] }).labels) };
    })
    .register('filter', 'humaneval.build_predictions', (resps, docs) => resps.map((resp, i) => resp.map((r) => String(docs[i].prompt) + String(r))))
    .register('filter', 'mbpp.build_predictions', (resps) => resps.map((resp) => resp.map((r) => extractCodeBlocks(String(r)))));
  return registerMathFunctions(fns);
}
