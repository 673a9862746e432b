import { LoglikelihoodRequest, LoglikelihoodResult, SampleRecord } from '@app/contracts';
import { taskError } from '../errors';
import { Doc, TaskDefinition } from '../types';
import { prepareSample } from './prepare';
import type { PreparedSample } from './requests';
import { scoreSampleSync } from './score';

/** The multiple-choice view of a prepared document (the worker's original API). */
export interface PreparedMultipleChoice {
  docId: number;
  doc: Doc;
  context: string;
  choices: string[];
  gold: number;
  requests: LoglikelihoodRequest[];
  /** The generic prepared sample this view was made from. */
  prepared: PreparedSample;
}

/**
 * Builds the requests of one multiple-choice document: one (context, delimiter + choice) per
 * choice (plus unconditional ones for acc_mutual_info). Implemented on prepareSample.
 */
export function prepareMultipleChoice(task: TaskDefinition, doc: Doc, docId: number, fewshot: readonly Doc[]): PreparedMultipleChoice {
  if (task.outputType !== 'multiple_choice' || !task.docToChoice) throw taskError({ task: task.name }, 'is not a multiple-choice task');
  const prepared = prepareSample(task, doc, docId, fewshot);
  const gold = prepared.gold;
  if (typeof gold !== 'number' || gold < 0) {
    throw taskError({ task: task.name, docId, field: 'doc_to_target' }, `gold ${JSON.stringify(prepared.target)} is not an index into ${prepared.choices!.length} choices`);
  }
  return {
    docId,
    doc,
    context: prepared.context,
    choices: prepared.choices!,
    gold,
    requests: prepared.requests.map((r) => ({ context: (r as LoglikelihoodRequest).context, continuation: (r as LoglikelihoodRequest).continuation })),
    prepared,
  };
}

/** Scores one multiple-choice document from its per-request results and builds its per-sample record. */
export function scoreMultipleChoice(
  task: TaskDefinition,
  s: PreparedMultipleChoice,
  results: readonly LoglikelihoodResult[],
  timing: { latencyMs: number },
): SampleRecord {
  return scoreSampleSync(task, s.prepared, results, timing);
}
