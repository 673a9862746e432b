import { DomainException, ErrorCode } from '@app/contracts';
import { labeledExample } from './engine/context';
import type { FewshotSampler } from './engine/fewshot';
import { prepareSample } from './engine/prepare';
import type { PrepareOptions, PreparedSample } from './engine/requests';
import { docError, taskError } from './errors';
import type { ReproEnvelope } from './listing';
import type { TaskDataset } from './task-data';
import type { Doc, TaskDefinition } from './types';

/** Refuses a slice outside the task's evaluation documents. */
export function checkDocRange(task: TaskDefinition, docCount: number, docStart: number, docEnd: number): void {
  if (docStart < 0 || docEnd > docCount || docStart > docEnd) {
    throw new DomainException(ErrorCode.InvalidInput, `benchmark ${task.name} has ${docCount} documents, asked for [${docStart}, ${docEnd})`, { benchmark: task.name });
  }
}

/**
 * Prepares documents [docStart, docEnd) of a task: few-shot selection (lm-eval's seeded draws, replayed from
 * document 0 as needed by the sampler), prompt and requests.
 */
export function prepareDocs(
  task: TaskDefinition,
  docs: Doc[],
  sampler: FewshotSampler | null,
  numFewshot: number,
  docStart: number,
  docEnd: number,
  opts: PrepareOptions,
): PreparedSample[] {
  checkDocRange(task, docs.length, docStart, docEnd);
  const out: PreparedSample[] = [];
  for (let i = docStart; i < docEnd; i++) {
    let fs: { docs: Doc[]; indices: number[] } = { docs: [], indices: [] };
    if (sampler) {
      try {
        fs = sampler.select(i, docs[i]);
      } catch (err) {
        throw docError(task.name, i, 'num_fewshot', err);
      }
    }
    out.push(prepareSample(task, docs[i], i, fs.docs, { ...opts, numFewshot, fewshotIndices: fs.indices }));
  }
  return out;
}

/** Renders the first few-shot documents as labeled examples; an error names the document. */
export function checkFewshotDocs(task: TaskDefinition, ds: TaskDataset, docs: number): void {
  if (!ds.fewshot) return;
  ds.fewshot.docs.slice(0, Math.min(docs, ds.fewshot.docs.length)).forEach((d, i) => {
    try {
      labeledExample(task, d);
    } catch (err) {
      throw taskError({ task: task.name, field: 'fewshot', docId: i }, `few-shot document ${i}: ${(err as Error).message}`);
    }
  });
}

/** The reproducibility envelope of a task run: version, config hash, dataset hashes, few-shot settings. */
export function taskEnvelope(task: TaskDefinition, ds: TaskDataset, numFewshot: number, seed?: number): ReproEnvelope {
  return {
    task: task.name,
    version: task.version,
    taskHash: task.hash,
    outputType: task.outputType,
    dataset: {
      hash: ds.hash,
      eval: { split: ds.eval.split ?? task.splits.eval, sha256: ds.eval.sha256, docs: ds.eval.docs.length, files: ds.eval.files },
      fewshot: ds.fewshot ? { split: ds.fewshot.split, sha256: ds.fewshot.sha256, docs: ds.fewshot.docs.length, files: ds.fewshot.files } : null,
    },
    fewshot: { numFewshot, sampler: task.fewshot.sampler, seed: seed ?? task.defaultFewshotSeed, split: task.splits.fewshot, sameSplit: task.splits.sameSplit },
    generation: task.generation ?? null,
    repeats: task.repeats,
  };
}
