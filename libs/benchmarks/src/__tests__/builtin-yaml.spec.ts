import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { canonicalJson } from '../hashing';
import { TaskRegistry } from '../registry';
import { builtinSuite, builtinTasksDir } from '../tasks/builtin';
import { DATA_DIR } from './data-dir';

const registry = new TaskRegistry(DATA_DIR);
const TASKS_DIR = resolve(__dirname, '../../tasks');

/** The YAML text of a built-in task with its name changed (what a user copies from GET /v1/benchmarks/:name). */
const renamed = (name: string, to: string) => registry.source(name)!.yaml.replace(new RegExp(`^task: ${name}$`, 'm'), `task: ${to}`);

describe('built-in tasks are YAML files compiled like user tasks', () => {
  it('finds libs/benchmarks/tasks from the sources and from a dist/ build beside them', () => {
    expect(builtinTasksDir()).toBe(TASKS_DIR);
    expect(builtinTasksDir(resolve(__dirname, '../../../../dist/libs/benchmarks/src/tasks'))).toBe(TASKS_DIR);
  });

  it('every task and group comes from a file of the suite, whose text is its source', () => {
    const suite = builtinSuite();
    for (const t of registry.list()) {
      const src = registry.source(t.name)!;
      expect(src.file).toMatch(/\.yaml$/);
      expect(suite.files.find((f) => f.path === src.file)!.text).toBe(src.yaml);
      expect(src.yaml).toMatch(new RegExp(`^task: ${t.name}$`, 'm'));
    }
    for (const g of registry.listGroups()) expect(registry.source(g.name)!.yaml).toMatch(new RegExp(`^group: ${g.name}$`, 'm'));
    expect(registry.source('mmlu_anatomy')!.file).toBe('mmlu/mmlu_anatomy.yaml');
    expect(registry.describe().tasks.every((t) => t.source === 'builtin')).toBe(true);
  });

  it('a copy registered under another name compiles to the same config (templates and task files resolve for it)', async () => {
    const r = new TaskRegistry(DATA_DIR);
    for (const t of registry.list()) {
      const copy = `${t.name}_copy`;
      await r.registerYaml(renamed(t.name, copy), { source: `${copy}.yaml`, checkData: false });
      expect(canonicalJson({ ...r.get(copy).config, task: t.name })).toBe(canonicalJson(t.config));
      expect(r.get(copy).version).toBe(t.version);
      expect(r.describe().tasks.find((x) => x.name === copy)!.source).toBe('yaml');
    }
  });

  it('a copy prepares the same prompts and requests', async () => {
    const r = new TaskRegistry(DATA_DIR);
    for (const name of ['arc_challenge', 'gsm8k', 'mmlu_anatomy', 'truthfulqa_mc2']) {
      await r.registerYaml(renamed(name, `my_${name}`), { checkDocs: 3 });
      const [a, b] = await Promise.all([r.prepare(name, 0, 3), r.prepare(`my_${name}`, 0, 3)]);
      expect(b.map((p) => ({ ...p, task: name }))).toEqual(a);
    }
  });

  it('includes resolve by file name or task name; templates need no task', () => {
    const suite = builtinSuite();
    expect(suite.templates.get('_mmlu_default_template.yaml')).toMatchObject({ dataset_path: 'cais/mmlu', fewshot_split: 'dev' });
    expect(suite.taskFiles.get('arc_easy.yaml')).toBe('arc_easy');
    expect(registry.get('arc_challenge').config).not.toHaveProperty('include');
  });

  it('refuses a suite whose file names repeat or whose includes name nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'suite-'));
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    const task = (name: string, extra = '') => `task: ${name}\ndataset_path: json\ndataset_kwargs: {data_files: {test: x.jsonl}}\ntest_split: test\ndoc_to_text: q\n${extra}`;
    writeFileSync(join(dir, 'a', 't.yaml'), task('t1'));
    writeFileSync(join(dir, 'b', 't.yaml'), task('t2'));
    expect(() => builtinSuite(dir)).toThrow(/same file name as tasks\/a\/t\.yaml/);
    const dir2 = mkdtempSync(join(tmpdir(), 'suite-'));
    writeFileSync(join(dir2, 'u.yaml'), 'task: u\ninclude: nothing.yaml\n');
    expect(() => builtinSuite(dir2)).toThrow(/tasks\/u\.yaml.*includes or lists something no built-in file defines/);
  });
});
