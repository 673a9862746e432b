import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { taskError } from '../errors';
import { parseTaskYaml, ParsedYamlDoc } from '../config/yaml';
import type { GroupConfig, TaskConfig } from '../types';

/** Where the built-in suite's YAML files live, relative to the package root. */
const TASKS_SUBDIR = join('libs', 'benchmarks', 'tasks');

/** One YAML file of the built-in suite. */
export interface BuiltinYamlFile {
  /** Path below the tasks folder with "/" separators, e.g. "mmlu/mmlu_anatomy.yaml". */
  path: string;
  /** The file name, which `include:` may name (unique in the suite). */
  name: string;
  text: string;
}

/** A task or group document of the suite, in an order where everything it names comes before it. */
export interface BuiltinEntry {
  kind: 'task' | 'group';
  config: TaskConfig | GroupConfig;
  lines: Map<string, number>;
  file: BuiltinYamlFile;
}

/**
 * The built-in suite as read from its YAML files: templates (documents with neither `task` nor
 * `group`, lm-eval's `_default_template_yaml`), tasks and groups. A task's `include:` names a
 * template or task file of the suite by file name (`_mmlu_default_template.yaml`,
 * `arc_easy.yaml`), or a task by name.
 */
export interface BuiltinSuite {
  dir: string;
  files: BuiltinYamlFile[];
  /** Template file name → its fields (its own include already resolved). */
  templates: Map<string, Partial<TaskConfig>>;
  /** Task file name → the task it defines. */
  taskFiles: Map<string, string>;
  entries: BuiltinEntry[];
}

/** libs/benchmarks/tasks of the package this code runs from: the source checkout, or the root beside dist/. */
export function builtinTasksDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, TASKS_SUBDIR);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`the built-in task folder ${TASKS_SUBDIR} was not found above ${from}`);
  }
}

function yamlFiles(dir: string, root = dir): BuiltinYamlFile[] {
  const out: BuiltinYamlFile[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(full, root));
    else if (e.name.endsWith('.yaml')) out.push({ path: relative(root, full).split(sep).join('/'), name: e.name, text: readFileSync(full, 'utf8') });
  }
  return out;
}

const isTemplate = (d: ParsedYamlDoc) => d.kind === 'task' && !('task' in d.config) && !('group' in d.config);

function resolveTemplates(parsed: Array<{ file: BuiltinYamlFile; doc: ParsedYamlDoc }>): Map<string, Partial<TaskConfig>> {
  const raw = new Map(parsed.filter((p) => isTemplate(p.doc)).map((p) => [p.file.name, p.doc.config as Partial<TaskConfig>]));
  const done = new Map<string, Partial<TaskConfig>>();
  const resolve = (name: string, seen: string[]): Partial<TaskConfig> => {
    const hit = done.get(name);
    if (hit) return hit;
    const own = raw.get(name);
    if (!own || seen.includes(name)) throw taskError({ source: `tasks/${name}` }, `include cycle or unknown template: ${[...seen, name].join(' → ')}`);
    const { include, ...rest } = own;
    const config = include ? { ...resolve(include, [...seen, name]), ...rest } : rest;
    done.set(name, config);
    return config;
  };
  for (const name of raw.keys()) resolve(name, []);
  return done;
}

/** Orders tasks and groups so that what a document includes or lists is registered before it. */
function order(parsed: Array<{ file: BuiltinYamlFile; doc: ParsedYamlDoc }>, templates: Map<string, unknown>, taskFiles: Map<string, string>): BuiltinEntry[] {
  const pending = parsed.filter((p) => !isTemplate(p.doc));
  const known = new Set<string>();
  const out: BuiltinEntry[] = [];
  const ready = (p: (typeof pending)[number]) => {
    if (p.doc.kind === 'group') return (p.doc.config as GroupConfig).task.every((t) => known.has(t));
    const inc = (p.doc.config as TaskConfig).include;
    return inc === undefined || templates.has(inc) || known.has(inc) || known.has(taskFiles.get(inc) ?? '\u0000');
  };
  while (pending.length) {
    const i = pending.findIndex(ready);
    if (i < 0) throw taskError({ source: `tasks/${pending[0].file.path}` }, 'includes or lists something no built-in file defines (or a cycle)');
    const [p] = pending.splice(i, 1);
    known.add(p.doc.kind === 'group' ? (p.doc.config as GroupConfig).group : (p.doc.config as TaskConfig).task);
    out.push({ kind: p.doc.kind, config: p.doc.config, lines: p.doc.lines, file: p.file });
  }
  return out;
}

const suites = new Map<string, BuiltinSuite>();

/** Reads and parses the suite's YAML files once per process (per folder). */
export function builtinSuite(dir: string = builtinTasksDir()): BuiltinSuite {
  const hit = suites.get(dir);
  if (hit) return hit;
  const files = yamlFiles(dir);
  const byName = new Map<string, string>();
  for (const f of files) {
    const other = byName.get(f.name);
    if (other) throw taskError({ source: `tasks/${f.path}` }, `has the same file name as tasks/${other}; include names files by name, so names must be unique`);
    byName.set(f.name, f.path);
  }
  const parsed = files.flatMap((file) => parseTaskYaml(file.text, `tasks/${file.path}`).map((doc) => ({ file, doc })));
  const taskFiles = new Map<string, string>();
  for (const p of parsed) {
    if (p.doc.kind === 'task' && !isTemplate(p.doc) && parsed.filter((q) => q.file === p.file).length === 1) taskFiles.set(p.file.name, (p.doc.config as TaskConfig).task);
  }
  const templates = resolveTemplates(parsed);
  const suite: BuiltinSuite = { dir, files, templates, taskFiles, entries: order(parsed, templates, taskFiles) };
  suites.set(dir, suite);
  return suite;
}
