import type { LoadedFile } from './data/dataset-loader';
import type { GroupDefinition, TaskDefinition } from './types';

/** A task as GET /v1/benchmarks lists it. */
export interface TaskSummary {
  name: string;
  alias: string | null;
  kind: 'task';
  source: 'builtin' | 'yaml';
  version: string;
  hash: string;
  outputType: TaskDefinition['outputType'];
  tags: string[];
  /** Groups this task is a direct member of. */
  groups: string[];
  dataset: { path: string | null; name: string | null; evalSplit: string; fewshotSplit: string | null; files: string[] };
  fewshot: { default: number; max: number | null; sampler: string; seed: number };
  metrics: Array<{ metric: string; aggregation: string; higherIsBetter: boolean; filters: string[] }>;
  filters: string[];
  generation: { until: string[]; maxGenToks: number; doSample: boolean; temperature: number; topP?: number; topK?: number } | null;
  repeats: number;
  unsafeCode: boolean;
  description: string | null;
}

export interface GroupSummary {
  name: string;
  alias: string | null;
  kind: 'group';
  source: 'builtin' | 'yaml';
  version: string;
  tasks: string[];
  /** All leaf tasks under the group. */
  leafTasks: string[];
  aggregate: Array<{ metric: string; filters: string[]; weightBySize: boolean }>;
}

export function summarizeTask(task: TaskDefinition, source: 'builtin' | 'yaml', groups: string[]): TaskSummary {
  const files = task.config.dataset_kwargs?.data_files;
  const fileList = files === undefined ? [] : typeof files === 'string' ? [files] : Array.isArray(files) ? files : Object.values(files).flat();
  return {
    name: task.name,
    alias: task.alias ?? null,
    kind: 'task',
    source,
    version: task.version,
    hash: task.hash,
    outputType: task.outputType,
    tags: task.tags,
    groups,
    dataset: {
      path: task.config.dataset_path ?? null,
      name: task.config.dataset_name ?? null,
      evalSplit: task.splits.eval,
      fewshotSplit: task.splits.fewshot,
      files: [...new Set(fileList)],
    },
    fewshot: {
      default: task.defaultNumFewshot,
      max: task.maxNumFewshot >= Number.MAX_SAFE_INTEGER ? null : task.maxNumFewshot,
      sampler: task.fewshot.sampler,
      seed: task.defaultFewshotSeed,
    },
    metrics: task.metrics.map((m) => ({ metric: m.metric, aggregation: m.aggregation, higherIsBetter: m.higherIsBetter, filters: task.filters.map((f) => f.name) })),
    filters: task.filters.map((f) => f.name),
    generation: task.generation
      ? {
          until: task.generation.until,
          maxGenToks: task.generation.maxGenToks,
          doSample: task.generation.doSample,
          temperature: task.generation.temperature,
          ...(task.generation.topP !== undefined ? { topP: task.generation.topP } : {}),
          ...(task.generation.topK !== undefined ? { topK: task.generation.topK } : {}),
        }
      : null,
    repeats: task.repeats,
    unsafeCode: task.unsafeCode,
    description: task.description ?? null,
  };
}

export function summarizeGroup(group: GroupDefinition, source: 'builtin' | 'yaml', leafTasks: string[]): GroupSummary {
  return { name: group.name, alias: group.alias ?? null, kind: 'group', source, version: group.version, tasks: group.tasks, leafTasks, aggregate: group.aggregate };
}

/** What a run records to be reproducible: task version and config hash, data hashes, few-shot settings. */
export interface ReproEnvelope {
  task: string;
  version: string;
  taskHash: string;
  outputType: TaskDefinition['outputType'];
  dataset: {
    hash: string;
    eval: { split: string; sha256: string; docs: number; files: LoadedFile[] };
    fewshot: { split: string | null; sha256: string; docs: number; files: LoadedFile[] } | null;
  };
  fewshot: { numFewshot: number; sampler: string; seed: number; split: string | null; sameSplit: boolean };
  generation: TaskDefinition['generation'] | null;
  repeats: number;
}
