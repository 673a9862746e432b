import { docError } from '../errors';
import { byteLength, goldIndex } from '../metrics/multiple-choice';
import { pyStr } from '../python/str';
import type { Doc, TaskDefinition } from '../types';
import { fewshotContext } from './context';
import type { EngineRequest, GenerateEngineRequest, LoglikelihoodEngineRequest, PrepareOptions, PreparedSample } from './requests';

function guard<T>(task: TaskDefinition, docId: number, field: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw docError(task.name, docId, field, err);
  }
}

/** The gold answer text whose conditional loss generate_until tasks measure (default: the target as in few-shot examples). */
function lossText(task: TaskDefinition, doc: Doc, target: PreparedSample['target']): string {
  if (task.lossTarget) return task.lossTarget(doc);
  if (Array.isArray(target)) return pyStr(target[0]);
  if (typeof target === 'number' && task.docToChoice) return task.docToChoice(doc)[target];
  return pyStr(target);
}

/**
 * Builds the requests of one document the way lm-evaluation-harness's construct_requests does:
 *
 * - multiple_choice: one loglikelihood(context, target_delimiter + choice) per choice (choices in the
 *   context instead when doc_to_text gives an index), plus ("", delimiter + choice) per choice when
 *   acc_mutual_info is a metric;
 * - loglikelihood: (context, doc_to_target);
 * - loglikelihood_rolling: the doc_to_target text;
 * - generate_until: `repeats` generations with the task's generation kwargs, plus one flagged
 *   loglikelihood(context, delimiter + gold answer) for the conditional loss (opts.includeLoss).
 *
 * `fewshot` are this document's few-shot examples (FewshotSampler.select or TaskRegistry.prepare).
 */
export function prepareSample(task: TaskDefinition, doc: Doc, docId: number, fewshot: readonly Doc[], opts: PrepareOptions = {}): PreparedSample {
  const context = guard(task, docId, 'doc_to_text', () => fewshotContext(task, doc, fewshot));
  const target = guard(task, docId, 'doc_to_target', () => task.docToTarget(doc));
  const base = {
    task: task.name,
    docId,
    doc,
    context,
    target,
    numFewshot: opts.numFewshot ?? fewshot.length,
    fewshotIndices: opts.fewshotIndices ?? [],
    filters: task.filters.map((f) => f.name),
  };
  const requests: EngineRequest[] = [];
  switch (task.outputType) {
    case 'multiple_choice': {
      const choices = guard(task, docId, 'doc_to_choice', () => task.docToChoice!(doc));
      const example = guard(task, docId, 'doc_to_text', () => task.docToText(doc));
      const multipleInput = typeof example === 'number';
      const { gold } = goldIndex(choices, multipleInput ? example : target);
      choices.forEach((c, i) => {
        const r: LoglikelihoodEngineRequest = multipleInput
          ? { type: 'loglikelihood', context: context + c, continuation: task.targetDelimiter + pyStr(target), purpose: 'score', choiceIndex: i }
          : { type: 'loglikelihood', context, continuation: task.targetDelimiter + c, purpose: 'score', choiceIndex: i };
        requests.push(r);
      });
      if (task.metrics.some((m) => m.metric === 'acc_mutual_info')) {
        choices.forEach((c, i) => requests.push({ type: 'loglikelihood', context: '', continuation: task.targetDelimiter + c, purpose: 'unconditional', choiceIndex: i }));
      }
      const g = Array.isArray(gold) ? gold.find((x) => x >= 0) : gold;
      const lossRequest = g !== undefined && g >= 0 && g < choices.length ? g : null;
      return { ...base, choices, gold, requests, lossRequest, lossBytes: lossRequest === null ? 0 : byteLength((requests[lossRequest] as LoglikelihoodEngineRequest).continuation) };
    }
    case 'loglikelihood': {
      const continuation = pyStr(Array.isArray(target) ? target[0] : target);
      requests.push({ type: 'loglikelihood', context, continuation, purpose: 'score' });
      return { ...base, requests, lossRequest: 0, lossBytes: byteLength(continuation) };
    }
    case 'loglikelihood_rolling': {
      if (typeof target !== 'string') throw docError(task.name, docId, 'doc_to_target', new Error('loglikelihood_rolling needs a string target'));
      requests.push({ type: 'loglikelihood_rolling', text: target, purpose: 'score' });
      return { ...base, context: '', requests, lossRequest: 0, lossBytes: byteLength(target) };
    }
    case 'generate_until': {
      const gen = task.generation!;
      const n = opts.repeats ?? task.repeats;
      const greedy = !gen.doSample || gen.temperature === 0;
      const seed = gen.seed ?? opts.seed;
      for (let i = 0; i < n; i++) {
        const r: GenerateEngineRequest = {
          type: 'generate_until',
          purpose: 'score',
          context,
          until: [...gen.until],
          maxTokens: task.config.generation_kwargs?.max_gen_toks ?? opts.maxGenTokens ?? gen.maxGenToks,
          temperature: greedy ? 0 : gen.temperature,
          doSample: !greedy,
          sampleIndex: i,
          ...(gen.topP !== undefined ? { topP: gen.topP } : {}),
          ...(gen.topK !== undefined ? { topK: gen.topK } : {}),
          ...(seed !== undefined ? { seed: seed + i } : {}),
        };
        requests.push(r);
      }
      let lossRequest: number | null = null;
      let lossBytes = 0;
      if (opts.includeLoss !== false) {
        const answer = guard(task, docId, task.lossTarget ? 'densebench.loss_target' : 'doc_to_target', () => lossText(task, doc, target));
        const continuation = (task.lossTarget ? task.lossDelimiter : task.targetDelimiter) + answer;
        lossRequest = requests.length;
        lossBytes = byteLength(continuation);
        requests.push({ type: 'loglikelihood', context, continuation, purpose: 'loss' });
      }
      return { ...base, requests, lossRequest, lossBytes };
    }
  }
}
