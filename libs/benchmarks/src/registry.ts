import { DomainException, ErrorCode } from '@app/contracts';
import type { HubOptions } from '@app/files';
import { compileGroup, compileTask } from './config/compile-task';
import { validateGroupConfig, validateTaskConfig } from './config/validate';
import { parseTaskYaml } from './config/yaml';
import { DatasetLoader } from './data/dataset-loader';
import { DatasetCache, OpenS3 } from './data/sources';
import type { FewshotSampler } from './engine/fewshot';
import type { PrepareOptions, PreparedSample } from './engine/requests';
import { closest, taskError } from './errors';
import { FunctionRegistry } from './functions';
import { GroupSummary, ReproEnvelope, summarizeGroup, summarizeTask, TaskSummary } from './listing';
import type { TaskDataset } from './task-data';
import { resolveNumFewshot, TaskDataCache } from './task-data-cache';
import { checkDocRange, checkFewshotDocs, prepareDocs, taskEnvelope } from './task-preparation';
import { registerBuiltinFunctions } from './tasks/builtin-functions';
import { BuiltinSuite, builtinSuite } from './tasks/builtin';
import { Doc, GroupConfig, GroupDefinition, TaskConfig, TaskDefinition } from './types';

export interface TaskRegistryOptions {
  openS3?: OpenS3;
  cache?: DatasetCache;
  fetch?: typeof fetch;
  /** hf:// data files: the Hub, its local cache and download progress. */
  hub?: HubOptions;
  /** Named functions for YAML tasks; the built-in ones are always registered. */
  functions?: FunctionRegistry;
  /** Register the standard suite (default true). */
  builtins?: boolean;
  /** Folder of the suite's YAML files (default: libs/benchmarks/tasks of this package). */
  builtinsDir?: string;
}

export interface RegisterOptions {
  source?: string;
  lines?: Map<string, number>;
  /** Replace a task or group registered from YAML with the same name. */
  replace?: boolean;
}

export interface RegisterYamlOptions {
  source?: string;
  replace?: boolean;
  /** Load each task's data and render its first documents (default true). */
  checkData?: boolean;
  /** Documents rendered by the data check (default 100; fewer if the split is smaller). */
  checkDocs?: number;
}

type Origin = 'builtin' | 'yaml';

/** The YAML text a task or group was defined by (GET /v1/benchmarks/:name). */
export interface TaskSource {
  yaml: string;
  /** For built-ins, the file below libs/benchmarks/tasks. */
  file?: string;
}

/**
 * The tasks and groups this process knows (built in, or registered from YAML), and the entry point for
 * their data and preparation, which it hands to TaskDataCache and task-preparation.ts by task definition.
 */
export class TaskRegistry {
  readonly functions: FunctionRegistry;
  private readonly tasks = new Map<string, { def: TaskDefinition; origin: Origin }>();
  private readonly groups = new Map<string, { def: GroupDefinition; origin: Origin }>();
  private readonly sources = new Map<string, TaskSource>();
  private readonly suite: BuiltinSuite | null;
  private readonly cache: TaskDataCache;

  /** Folders relative data paths are looked up in, in order. */
  readonly dataRoots: readonly string[];

  /** @param dataRoots one data folder, or the ordered folders to look relative paths up in (PathsConfig.dataRoots) */
  constructor(dataRoots: string | readonly string[], opts: TaskRegistryOptions = {}) {
    this.dataRoots = typeof dataRoots === 'string' ? [dataRoots] : dataRoots;
    this.functions = registerBuiltinFunctions(opts.functions ?? new FunctionRegistry());
    this.cache = new TaskDataCache(new DatasetLoader({ dataRoots: this.dataRoots, openS3: opts.openS3, cache: opts.cache, fetch: opts.fetch, hub: opts.hub }));
    this.suite = opts.builtins === false ? null : builtinSuite(opts.builtinsDir);
    // The suite goes through the same validation and compiler as a task posted to the API.
    for (const e of this.suite?.entries ?? []) {
      const ro = { source: `tasks/${e.file.path}`, lines: e.lines };
      const name = e.kind === 'task' ? this.add(e.config as TaskConfig, 'builtin', ro).name : this.addGroup(e.config as GroupConfig, 'builtin', ro).name;
      this.sources.set(name, { yaml: e.file.text, file: e.file.path });
    }
  }

  // ---- lookup -------------------------------------------------------------------------------

  list(): TaskDefinition[] {
    return [...this.tasks.values()].map((t) => t.def);
  }

  listGroups(): GroupDefinition[] {
    return [...this.groups.values()].map((g) => g.def);
  }

  has(name: string): boolean {
    return this.tasks.has(name);
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  get(name: string): TaskDefinition {
    const t = this.tasks.get(name);
    if (!t) {
      if (this.groups.has(name)) {
        throw new DomainException(ErrorCode.InvalidInput, `"${name}" is a group of ${this.expand(name).length} tasks, not a single task; expand it with TaskRegistry.expand()`, { benchmark: name });
      }
      const hint = closest(name, [...this.tasks.keys(), ...this.groups.keys()]);
      throw new DomainException(
        ErrorCode.InvalidInput,
        `unknown benchmark "${name}"${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${[...this.tasks.keys()].filter((k) => !k.startsWith('mmlu_')).join(', ')}, mmlu and its groups/subjects`,
        { benchmark: name },
      );
    }
    return t.def;
  }

  getGroup(name: string): GroupDefinition {
    const g = this.groups.get(name);
    if (!g) throw new DomainException(ErrorCode.InvalidInput, `unknown group "${name}"`, { benchmark: name });
    return g.def;
  }

  /** The leaf tasks of a task or group name, in order (a task expands to itself). */
  expand(name: string): string[] {
    if (this.tasks.has(name)) return [name];
    const g = this.groups.get(name);
    if (!g) this.get(name);
    const out: string[] = [];
    for (const child of g!.def.tasks) for (const t of this.expand(child)) if (!out.includes(t)) out.push(t);
    return out;
  }

  /** The YAML a task or group was defined by: its built-in file, or the text registered. */
  source(name: string): TaskSource | null {
    return this.sources.get(name) ?? null;
  }

  /** Direct parent groups of a task or group. */
  parents(name: string): string[] {
    return [...this.groups.values()].filter((g) => g.def.tasks.includes(name)).map((g) => g.def.name);
  }

  /** Everything for GET /v1/benchmarks. */
  describe(): { tasks: TaskSummary[]; groups: GroupSummary[] } {
    return {
      tasks: [...this.tasks.values()].map((t) => summarizeTask(t.def, t.origin, this.parents(t.def.name))),
      groups: [...this.groups.values()].map((g) => summarizeGroup(g.def, g.origin, this.expand(g.def.name))),
    };
  }

  // ---- registration -------------------------------------------------------------------------

  /** Registers a task config (validated, includes resolved, templates compiled). */
  register(config: TaskConfig, opts: RegisterOptions = {}): TaskDefinition {
    return this.add(config, 'yaml', opts);
  }

  registerGroup(config: GroupConfig, opts: RegisterOptions = {}): GroupDefinition {
    return this.addGroup(config, 'yaml', opts);
  }

  /**
   * Registers the tasks and groups of an lm-eval style YAML text (POST /v1/benchmarks). All or
   * nothing: on any error nothing stays registered. With checkData (default) each task's data is
   * loaded and its first documents rendered, so a missing/corrupt file or a template that fails on
   * real documents is reported now, with the document id.
   */
  async registerYaml(text: string, opts: RegisterYamlOptions = {}): Promise<{ tasks: TaskDefinition[]; groups: GroupDefinition[] }> {
    const parsed = parseTaskYaml(text, opts.source);
    const added: Array<{ kind: 'task' | 'group'; name: string; previous?: { def: unknown; origin: Origin } }> = [];
    const tasks: TaskDefinition[] = [];
    const groups: GroupDefinition[] = [];
    try {
      for (const p of parsed) {
        const ro = { source: p.source, lines: p.lines, replace: opts.replace };
        if (p.kind === 'group') {
          const name = (p.config as GroupConfig).group;
          added.push({ kind: 'group', name, previous: this.groups.get(name) });
          groups.push(this.addGroup(p.config as GroupConfig, 'yaml', ro));
        } else {
          const name = (p.config as TaskConfig).task;
          added.push({ kind: 'task', name, previous: this.tasks.get(name) });
          tasks.push(this.add(p.config as TaskConfig, 'yaml', ro));
        }
      }
      if (opts.checkData !== false) for (const t of tasks) await this.checkTask(t.name, opts.checkDocs ?? 100);
    } catch (err) {
      for (const a of added.reverse()) {
        const map = (a.kind === 'task' ? this.tasks : this.groups) as Map<string, unknown>;
        if (a.previous) map.set(a.name, a.previous);
        else map.delete(a.name);
        this.cache.forget(a.name);
      }
      throw err;
    }
    for (const a of added) this.sources.set(a.name, { yaml: text });
    return { tasks, groups };
  }

  /** Removes a task or group registered from YAML. */
  unregister(name: string): void {
    const t = this.tasks.get(name) ?? this.groups.get(name);
    if (!t) throw new DomainException(ErrorCode.NotFound, `benchmark ${name} not found`, { benchmark: name });
    if (t.origin === 'builtin') throw new DomainException(ErrorCode.Conflict, `benchmark ${name} is built in and cannot be removed`, { benchmark: name });
    this.tasks.delete(name);
    this.groups.delete(name);
    this.sources.delete(name);
    this.cache.forget(name);
  }

  private checkReplace(name: string, opts: RegisterOptions, field: string): void {
    const existing = this.tasks.get(name) ?? this.groups.get(name);
    if (!existing) return;
    if (existing.origin === 'builtin' || !opts.replace) {
      throw taskError({ task: name, field, line: opts.lines?.get(field), source: opts.source }, `a ${this.tasks.has(name) ? 'task' : 'group'} with this name is already registered${existing.origin === 'builtin' ? ' (built in)' : '; pass replace to overwrite it'}`, ErrorCode.Conflict);
    }
  }

  private add(config: TaskConfig, origin: Origin, opts: RegisterOptions): TaskDefinition {
    validateTaskConfig(config, { lines: opts.lines, source: opts.source });
    let resolved = config;
    if (config.include !== undefined) {
      const { include: _drop, ...own } = config;
      void _drop;
      const template = this.suite?.templates.get(config.include);
      const base = template ? null : this.tasks.get(config.include) ?? this.tasks.get(this.suite?.taskFiles.get(config.include) ?? '');
      if (!template && !base) {
        throw taskError(
          { task: config.task, field: 'include', line: opts.lines?.get('include'), source: opts.source },
          `includes "${config.include}", which is neither a registered task nor a built-in template or task file`,
        );
      }
      resolved = { ...(template ?? base!.def.config), ...own } as TaskConfig;
      if (base) {
        // A task's alias is its own: an included task's alias does not carry over.
        delete resolved.task_alias;
        if (own.task_alias) resolved.task_alias = own.task_alias;
      }
    }
    if (origin === 'yaml') this.checkReplace(config.task, opts, 'task');
    else if (this.tasks.has(config.task)) throw taskError({ task: config.task, field: 'task', source: opts.source }, 'is defined by two built-in files');
    const def = compileTask(resolved, { functions: this.functions, lines: opts.lines, source: opts.source });
    this.tasks.set(def.name, { def, origin });
    this.cache.forget(def.name);
    return def;
  }

  private addGroup(config: GroupConfig, origin: Origin, opts: RegisterOptions): GroupDefinition {
    validateGroupConfig(config, { lines: opts.lines, source: opts.source });
    if (origin === 'yaml') this.checkReplace(config.group, opts, 'group');
    config.task.forEach((t, i) => {
      if (!this.tasks.has(t) && !this.groups.has(t)) {
        throw taskError({ task: config.group, field: `task[${i}]`, line: opts.lines?.get(`task[${i}]`), source: opts.source }, `"${t}" is not a registered task or group`);
      }
      if (t === config.group) throw taskError({ task: config.group, field: `task[${i}]` }, 'a group cannot contain itself');
    });
    const def = compileGroup(config);
    this.groups.set(def.name, { def, origin });
    return def;
  }

  // ---- data (task-data-cache.ts) and preparation (task-preparation.ts) ---------------------

  /** The task's evaluation documents and few-shot pool (after process_docs), with content hashes. */
  dataset(name: string): Promise<TaskDataset> {
    return this.cache.dataset(this.get(name));
  }

  /** The evaluation split of a task, in order; doc ids are indices into it. */
  evalDocs(name: string): Promise<Doc[]> {
    return this.cache.evalDocs(this.get(name));
  }

  /** Checks a requested few-shot count against what the task supports (lm-eval default when omitted). */
  resolveNumFewshot(name: string, requested: number | null | undefined): number {
    return resolveNumFewshot(this.get(name), requested);
  }

  /** The few-shot sampler for (task, num_fewshot, seed), kept so consecutive slices replay nothing. */
  sampler(name: string, numFewshot: number, seed?: number): Promise<FewshotSampler | null> {
    return this.cache.sampler(this.get(name), numFewshot, seed);
  }

  /**
   * Prepares documents [docStart, docEnd) of a task exactly as lm-evaluation-harness would. numFewshot
   * defaults to the task's; seed is the few-shot seed (lm-eval's default 1234).
   */
  async prepare(name: string, docStart: number, docEnd: number, opts: PrepareOptions & { seed?: number } = {}): Promise<PreparedSample[]> {
    const task = this.get(name);
    const docs = await this.cache.evalDocs(task);
    checkDocRange(task, docs.length, docStart, docEnd);
    const n = resolveNumFewshot(task, opts.numFewshot);
    return prepareDocs(task, docs, await this.cache.sampler(task, n, opts.seed), n, docStart, docEnd, opts);
  }

  /** Loads a task's data and renders its first documents (prompt, target, choices); errors name the doc. */
  async checkTask(name: string, docs = 3): Promise<void> {
    const task = this.get(name);
    const ds = await this.cache.dataset(task);
    await this.prepare(name, 0, Math.min(docs, ds.eval.docs.length));
    checkFewshotDocs(task, ds, docs);
  }

  /** The reproducibility envelope of a task run: version, config hash, dataset hashes, few-shot settings. */
  async envelope(name: string, opts: { numFewshot?: number | null; seed?: number } = {}): Promise<ReproEnvelope> {
    const task = this.get(name);
    return taskEnvelope(task, await this.cache.dataset(task), resolveNumFewshot(task, opts.numFewshot), opts.seed);
  }
}
