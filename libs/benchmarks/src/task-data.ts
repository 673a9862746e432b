import { DomainException } from '@app/contracts';
import { DatasetLoader, LoadedFile, LoadedSplit } from './data/dataset-loader';
import { splitAvailable } from './config/compile-task';
import { taskError } from './errors';
import { canonicalJson, sha256 } from './hashing';
import { Doc, isFunctionRef, TaskDefinition } from './types';

/** A task's documents after process_docs, with the content hashes of the files they came from. */
export interface DocSet {
  split: string | null;
  docs: Doc[];
  sha256: string;
  files: LoadedFile[];
}

export interface TaskDataset {
  eval: DocSet;
  fewshot: DocSet | null;
  /** sha256 over the eval and few-shot content hashes: the dataset identity for the run record and cache key. */
  hash: string;
}

function withTask(task: string, err: unknown): Error {
  if (err instanceof DomainException && !err.message.startsWith(`task "${task}"`)) {
    return new DomainException(err.code, `task "${task}": ${err.message}`, { task, ...err.details });
  }
  return err as Error;
}

function processDocs(task: TaskDefinition, split: LoadedSplit): Doc[] {
  const ref = task.config.process_docs;
  if (!ref) return split.docs;
  try {
    const out = task.functions.get('process_docs', ref.function, { task: task.name, field: 'process_docs' })(split.docs, { task: task.name, split: split.split });
    if (!Array.isArray(out)) throw new Error('process_docs did not return a list of documents');
    return out;
  } catch (err) {
    if (err instanceof DomainException) throw err;
    throw taskError({ task: task.name, field: 'process_docs' }, `failed on split "${split.split}": ${(err as Error).message}`);
  }
}

/** Loads the evaluation split and the few-shot pool of a task (lm-eval eval_docs / fewshot_docs). */
export async function loadTaskDataset(task: TaskDefinition, loader: DatasetLoader): Promise<TaskDataset> {
  try {
    const evalRaw = await loader.loadSplit(task.config, task.splits.eval);
    const evalSet: DocSet = { split: evalRaw.split, docs: processDocs(task, evalRaw), sha256: evalRaw.sha256, files: evalRaw.files };
    if (evalSet.docs.length === 0) throw taskError({ task: task.name, field: 'dataset_kwargs.data_files' }, `split "${task.splits.eval}" has no documents`);
    let fewshot: DocSet | null = null;
    const samples = task.config.fewshot_config?.samples;
    if (samples !== undefined) {
      const docs = isFunctionRef(samples) ? task.functions.get('samples', samples.function, { task: task.name, field: 'fewshot_config.samples' })() : samples;
      fewshot = { split: null, docs, sha256: sha256(canonicalJson(docs)), files: [] };
    } else if (task.splits.fewshot && splitAvailable(task.config, task.splits.fewshot)) {
      const raw = task.splits.fewshot === task.splits.eval ? evalRaw : await loader.loadSplit(task.config, task.splits.fewshot);
      let docs = task.splits.fewshot === task.splits.eval ? evalSet.docs : processDocs(task, raw);
      const indices = task.config.fewshot_config?.fewshot_indices;
      if (indices) docs = indices.map((i) => docs[i]).filter((d) => d !== undefined);
      fewshot = { split: raw.split, docs, sha256: raw.sha256, files: raw.files };
    }
    const hash = sha256(`${evalSet.sha256}\n${fewshot?.sha256 ?? ''}`);
    return { eval: evalSet, fewshot, hash };
  } catch (err) {
    throw withTask(task.name, err);
  }
}
