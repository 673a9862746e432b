import { pyStrip } from '../python/str';
import type { Doc } from '../types';

/** The EleutherAI/logiqa loading script's normalize(): a space after every ".", then strip(). */
const normalize = (text: string) => pyStrip(text.split('.').join('. '));

/**
 * LogiQA's Train/Eval/Test.txt (read whole: `sample_by: document`) → its records, parsed as
 * lm-eval's utils_logiqa.process_docs and the EleutherAI/logiqa loading script do: records are
 * separated by a blank line; line 1 is the answer letter, 2 the passage, 3 the question, the rest
 * one "X." option each. Rows already parsed (HF shape) pass through.
 */
export function logiqaProcessDocs(docs: Doc[]): Doc[] {
  return docs.flatMap((d) => {
    if (typeof d.text !== 'string') return [d];
    return pyStrip(d.text)
      .split('\n\n')
      .map((record) => {
        const lines = record.split('\n');
        return {
          label: pyStrip(lines[0]),
          context: normalize(lines[1]),
          question: normalize(lines[2]),
          options: lines.slice(3).map((o) => normalize(Array.from(o).slice(2).join(''))),
        };
      });
  });
}

const LETTERS = ['a', 'b', 'c', 'd'];

/** utils_logiqa.doc_to_text: "Passage: …\nQuestion: …\nChoices:\nA. …\n…\nAnswer:". */
export function logiqaDocToText(doc: Doc): string {
  let prompt = `Passage: ${String(doc.context)}\n`;
  prompt += `Question: ${String(doc.question)}\nChoices:\n`;
  (doc.options as string[]).slice(0, LETTERS.length).forEach((option, i) => (prompt += `${LETTERS[i].toUpperCase()}. ${option}\n`));
  return `${prompt}Answer:`;
}

/** utils_logiqa.doc_to_target: the index of the answer letter. */
export function logiqaDocToTarget(doc: Doc): number {
  const i = LETTERS.indexOf(pyStrip(String(doc.label)));
  if (i < 0) throw new Error(`label must be one of a, b, c, d; got ${JSON.stringify(doc.label)}`);
  return i;
}
