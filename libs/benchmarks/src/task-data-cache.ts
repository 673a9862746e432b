import { DomainException, ErrorCode } from '@app/contracts';
import { DatasetLoader } from './data/dataset-loader';
import { FewshotSampler } from './engine/fewshot';
import { taskError } from './errors';
import { loadTaskDataset, TaskDataset } from './task-data';
import { Doc, TaskDefinition } from './types';

/** Checks a requested few-shot count against what the task supports (lm-eval default when omitted). */
export function resolveNumFewshot(task: TaskDefinition, requested: number | null | undefined): number {
  const n = requested ?? task.defaultNumFewshot;
  if (!Number.isInteger(n) || n < 0) throw new DomainException(ErrorCode.InvalidInput, `benchmark "${task.name}": num_fewshot must be a non-negative integer, got ${n}`, { benchmark: task.name });
  if (n > task.maxNumFewshot) {
    throw new DomainException(ErrorCode.InvalidInput, `benchmark "${task.name}" supports at most ${task.maxNumFewshot} few-shot examples, got ${n}`, { benchmark: task.name, numFewshot: n });
  }
  return n;
}

/**
 * Each task's documents, loaded once per process (a failed load is not kept, so the next call retries), and
 * its few-shot samplers, kept per (num_fewshot, seed) so consecutive slices of a task replay nothing.
 */
export class TaskDataCache {
  private readonly data = new Map<string, Promise<TaskDataset>>();
  private readonly samplers = new Map<string, FewshotSampler>();

  constructor(private readonly loader: DatasetLoader) {}

  /** The task's evaluation documents and few-shot pool (after process_docs), with content hashes. */
  dataset(task: TaskDefinition): Promise<TaskDataset> {
    let p = this.data.get(task.name);
    if (!p) {
      p = loadTaskDataset(task, this.loader);
      p.catch(() => this.data.delete(task.name));
      this.data.set(task.name, p);
    }
    return p;
  }

  /** The evaluation split of a task, in order; doc ids are indices into it. */
  async evalDocs(task: TaskDefinition): Promise<Doc[]> {
    return (await this.dataset(task)).eval.docs;
  }

  /** The few-shot sampler for (task, num_fewshot, seed); null for zero-shot. */
  async sampler(task: TaskDefinition, numFewshot: number, seed?: number): Promise<FewshotSampler | null> {
    if (numFewshot === 0) return null;
    const s = seed ?? task.defaultFewshotSeed;
    const key = `${task.name}\u0000${numFewshot}\u0000${s}`;
    let sampler = this.samplers.get(key);
    if (!sampler) {
      const ds = await this.dataset(task);
      if (!ds.fewshot) throw taskError({ task: task.name, field: 'fewshot_split' }, `num_fewshot is ${numFewshot} but the task has no few-shot documents`);
      try {
        sampler = new FewshotSampler(task, ds.fewshot.docs, numFewshot, s);
      } catch (err) {
        throw taskError({ task: task.name, field: 'num_fewshot' }, (err as Error).message);
      }
      this.samplers.set(key, sampler);
    }
    return sampler;
  }

  /** Drops what was loaded for a task (it was replaced or removed). */
  forget(name: string): void {
    this.data.delete(name);
    for (const k of [...this.samplers.keys()]) if (k.startsWith(`${name}\u0000`)) this.samplers.delete(k);
  }
}
