import { closest, taskError } from '../errors';
import { FILTER_KWARGS } from '../filters/filters';
import { METRICS } from '../metrics/metric-defs';
import { AGGREGATIONS } from '../metrics/aggregate';
import { GroupConfig, isFunctionRef, OUTPUT_TYPES, TaskConfig } from '../types';

type Check = (v: unknown) => string | null;

const str: Check = (v) => (typeof v === 'string' ? null : 'must be a string');
const strOrNull: Check = (v) => (v === null || typeof v === 'string' ? null : 'must be a string or null');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'must be true or false');
const intMin =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min ? null : `must be an integer >= ${min}`;
const num: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'must be a number');
const strOrList: Check = (v) => (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')) ? null : 'must be a string or a list of strings');
const fnRef: Check = (v) => (isFunctionRef(v) ? null : 'must be a function reference (!function name)');
const anyOf =
  (...checks: Check[]): Check =>
  (v) =>
    checks.some((c) => c(v) === null) ? null : checks.map((c) => c(v)).join(', or ');
const intValue: Check = (v) => (typeof v === 'number' && Number.isInteger(v) ? null : 'must be an integer');
const listOfStrOrInt: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number') ? null : 'must be a list');
const strRecord: Check = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !isFunctionRef(v) && Object.values(v).every((x) => typeof x === 'string') ? null : 'must be a mapping of strings';
const obj: Check = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? null : 'must be a mapping');
const metadata: Check = (v) => (obj(v) === null || (Array.isArray(v) && v.every((x) => obj(x) === null)) ? null : 'must be a mapping (or a list of mappings)');

const TASK_FIELDS: Record<string, Check> = {
  task: str,
  task_alias: str,
  tag: strOrList,
  group: strOrList,
  group_alias: str,
  include: str,
  dataset_path: str,
  dataset_name: strOrNull,
  dataset_kwargs: obj,
  training_split: strOrNull,
  validation_split: strOrNull,
  test_split: strOrNull,
  fewshot_split: strOrNull,
  process_docs: fnRef,
  doc_to_text: anyOf(str, intValue, fnRef),
  doc_to_target: anyOf(str, intValue, listOfStrOrInt, fnRef),
  doc_to_choice: anyOf(str, (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : 'must be a list of strings'), strRecord, fnRef),
  process_results: fnRef,
  description: str,
  target_delimiter: str,
  fewshot_delimiter: str,
  fewshot_config: obj,
  num_fewshot: intMin(0),
  metric_list: (v) => (Array.isArray(v) ? null : 'must be a list'),
  output_type: (v) => (typeof v === 'string' && (OUTPUT_TYPES as readonly string[]).includes(v) ? null : `must be one of ${OUTPUT_TYPES.join(', ')}`),
  generation_kwargs: obj,
  repeats: intMin(1),
  filter_list: (v) => (Array.isArray(v) ? null : 'must be a list'),
  should_decontaminate: bool,
  doc_to_decontamination_query: str,
  gen_prefix: str,
  unsafe_code: bool,
  metadata,
  densebench: obj,
};

const UNSUPPORTED: Record<string, string> = {
  doc_to_image: 'multimodal tasks are not supported',
  doc_to_audio: 'multimodal tasks are not supported',
  use_prompt: 'promptsource prompts are not supported; write doc_to_text/doc_to_target templates',
  custom_dataset: 'custom dataset functions are not supported; use dataset_kwargs.data_files',
};

const DATASET_KWARGS: Record<string, Check> = {
  data_files: (v) => (strOrList(v) === null || (obj(v) === null && Object.values(v as object).every((x) => strOrList(x) === null)) ? null : 'must be a path, a list of paths, or split → path(s)'),
  format: (v) => (['jsonl', 'json', 'csv', 'parquet', 'text', 'hellaswag-txt', 'xml'].includes(v as string) ? null : 'must be one of jsonl, json, csv, parquet, text, hellaswag-txt, xml'),
  field: str,
  infer_types: bool,
  delimiter: str,
  sample_by: (v) => (['line', 'paragraph', 'document'].includes(v as string) ? null : 'must be line, paragraph or document'),
  separator: str,
  sha256: anyOf(str, strRecord),
  revision: str,
  trust_remote_code: bool,
  line_columns: (v) => (obj(v) === null && Object.values(v as object).every((x) => strRecord(x) === null) ? null : 'must map a split to {column: file}'),
};

const FEWSHOT_CONFIG: Record<string, Check> = {
  sampler: (v) => (v === 'default' || v === 'first_n' ? null : 'must be "default" or "first_n"'),
  samples: anyOf(fnRef, (v) => (Array.isArray(v) && v.every((x) => obj(x) === null) ? null : 'must be a list of documents')),
  doc_to_text: TASK_FIELDS.doc_to_text,
  doc_to_target: TASK_FIELDS.doc_to_target,
  doc_to_choice: TASK_FIELDS.doc_to_choice,
  target_delimiter: str,
  fewshot_delimiter: str,
  fewshot_indices: (v) => (Array.isArray(v) && v.every((x) => Number.isInteger(x)) ? null : 'must be a list of integers'),
};

const GENERATION_KWARGS: Record<string, Check> = {
  until: strOrList,
  max_gen_toks: intMin(1),
  do_sample: bool,
  temperature: num,
  top_p: num,
  top_k: intMin(0),
  seed: intValue,
};

const DENSEBENCH: Record<string, Check> = {
  loss_target: str,
  loss_delimiter: str,
  max_num_fewshot: intMin(0),
  fewshot_seed: intValue,
  code_timeout_ms: intMin(1),
};

interface Ctx {
  task: string;
  lines?: Map<string, number>;
  source?: string;
}

function fail(ctx: Ctx, field: string, message: string): never {
  // The line of the field, or of its closest parent that has one.
  let line: number | undefined;
  let p = field;
  while (p) {
    line = ctx.lines?.get(p);
    if (line !== undefined) break;
    const parent = p.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    if (parent === p) break;
    p = parent;
  }
  throw taskError({ task: ctx.task, field, line, source: ctx.source }, message);
}

function checkFields(value: Record<string, unknown>, schema: Record<string, Check>, prefix: string, ctx: Ctx, unsupported: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(value)) {
    const field = prefix ? `${prefix}.${k}` : k;
    if (k in unsupported) fail(ctx, field, unsupported[k]);
    const check = schema[k];
    if (!check) {
      const hint = closest(k, Object.keys(schema));
      fail(ctx, field, `unknown field${hint ? ` (did you mean "${prefix ? `${prefix}.` : ''}${hint}"?)` : ''}`);
    }
    if (v === undefined) continue;
    const err = check(v);
    if (err) fail(ctx, field, err);
  }
}

/** Validates a task config's fields and their types; errors name the task, the field and the YAML line. */
export function validateTaskConfig(config: TaskConfig, ctx: Omit<Ctx, 'task'>): void {
  const c: Ctx = { ...ctx, task: typeof config.task === 'string' ? config.task : '(unnamed)' };
  if (typeof config.task !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(config.task)) {
    fail(c, 'task', 'is required: a name of letters, digits, "_", "-" or "."');
  }
  checkFields(config as unknown as Record<string, unknown>, TASK_FIELDS, '', c, UNSUPPORTED);
  if (config.dataset_kwargs) checkFields(config.dataset_kwargs as Record<string, unknown>, DATASET_KWARGS, 'dataset_kwargs', c);
  if (config.fewshot_config) checkFields(config.fewshot_config as Record<string, unknown>, FEWSHOT_CONFIG, 'fewshot_config', c);
  if (config.generation_kwargs) checkFields(config.generation_kwargs as Record<string, unknown>, GENERATION_KWARGS, 'generation_kwargs', c);
  if (config.densebench) checkFields(config.densebench as Record<string, unknown>, DENSEBENCH, 'densebench', c);
  config.metric_list?.forEach((m, i) => validateMetric(m as unknown, `metric_list[${i}]`, c));
  config.filter_list?.forEach((f, i) => validateFilter(f as unknown, `filter_list[${i}]`, c));
}

function validateMetric(m: unknown, field: string, c: Ctx): void {
  if (obj(m) !== null) fail(c, field, 'must be a mapping with a "metric" field');
  const entry = m as Record<string, unknown>;
  if (typeof entry.metric !== 'string' && !isFunctionRef(entry.metric)) fail(c, `${field}.metric`, 'is required: a metric name or !function reference');
  const name = typeof entry.metric === 'string' ? entry.metric : (entry.metric as { function: string }).function.split('.').pop()!;
  const def = METRICS[name];
  if (entry.aggregation !== undefined) {
    if (typeof entry.aggregation !== 'string') fail(c, `${field}.aggregation`, 'must be an aggregation name (function aggregations are not supported)');
    if (!(entry.aggregation in AGGREGATIONS)) fail(c, `${field}.aggregation`, `unknown aggregation "${entry.aggregation}" (known: ${Object.keys(AGGREGATIONS).join(', ')})`);
  }
  if (entry.higher_is_better !== undefined && typeof entry.higher_is_better !== 'boolean') fail(c, `${field}.higher_is_better`, 'must be true or false');
  for (const k of Object.keys(entry)) {
    if (['metric', 'aggregation', 'higher_is_better'].includes(k)) continue;
    if (def && !def.kwargs.includes(k)) {
      const hint = closest(k, def.kwargs);
      fail(c, `${field}.${k}`, `unknown argument for metric ${name}${hint ? ` (did you mean "${hint}"?)` : def.kwargs.length ? ` (accepts: ${def.kwargs.join(', ')})` : ''}`);
    }
  }
  if (def && name === 'pass_at_k') {
    const k = entry.k;
    if (!(Number.isInteger(k) && (k as number) >= 1) && !(Array.isArray(k) && k.length > 0 && k.every((x) => Number.isInteger(x) && x >= 1))) fail(c, `${field}.k`, 'must be a positive integer or a list of them');
  }
  if (def && name === 'exact_match' && entry.regexes_to_ignore !== undefined && strOrList(entry.regexes_to_ignore) !== null) fail(c, `${field}.regexes_to_ignore`, 'must be a list of regexes');
}

function validateFilter(f: unknown, field: string, c: Ctx): void {
  if (obj(f) !== null) fail(c, field, 'must be a mapping with "name" and "filter"');
  const entry = f as Record<string, unknown>;
  for (const k of Object.keys(entry)) if (k !== 'name' && k !== 'filter') fail(c, `${field}.${k}`, 'unknown field (a filter has "name" and "filter")');
  if (typeof entry.name !== 'string' || !entry.name) fail(c, `${field}.name`, 'is required');
  if (!Array.isArray(entry.filter) || entry.filter.length === 0) fail(c, `${field}.filter`, 'must be a non-empty list of steps');
  (entry.filter as unknown[]).forEach((s, j) => {
    const sf = `${field}.filter[${j}]`;
    if (obj(s) !== null || typeof (s as Record<string, unknown>).function !== 'string') fail(c, sf, 'must be a mapping with a "function" field');
    const step = s as Record<string, unknown>;
    const allowed = FILTER_KWARGS[step.function as string];
    if (!allowed) fail(c, `${sf}.function`, `unknown filter "${String(step.function)}" (known: ${Object.keys(FILTER_KWARGS).join(', ')})`);
    for (const k of Object.keys(step)) {
      if (k === 'function') continue;
      if (!allowed.includes(k)) fail(c, `${sf}.${k}`, `unknown argument for filter ${String(step.function)}${allowed.length ? ` (accepts: ${allowed.join(', ')})` : ''}`);
    }
    if (step.function === 'regex' && step.regex_pattern !== undefined && typeof step.regex_pattern !== 'string') fail(c, `${sf}.regex_pattern`, 'must be a string');
    if (step.function === 'regex' && step.group_select !== undefined && !Number.isInteger(step.group_select)) fail(c, `${sf}.group_select`, 'must be an integer');
    if (step.function === 'take_first_k' && !(Number.isInteger(step.k) && (step.k as number) >= 1)) fail(c, `${sf}.k`, 'must be a positive integer');
    if (step.function === 'custom' && !isFunctionRef(step.filter_fn) && typeof step.filter_fn !== 'string') fail(c, `${sf}.filter_fn`, 'must be a function reference (!function name)');
  });
}

const GROUP_FIELDS: Record<string, Check> = {
  group: str,
  group_alias: str,
  task: (v) => (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') ? null : 'must be a non-empty list of task or group names'),
  aggregate_metric_list: (v) => (Array.isArray(v) ? null : 'must be a list'),
  metadata,
};

export function validateGroupConfig(config: GroupConfig, ctx: Omit<Ctx, 'task'>): void {
  const c: Ctx = { ...ctx, task: typeof config.group === 'string' ? config.group : '(unnamed group)' };
  if (typeof config.group !== 'string' || !config.group) fail(c, 'group', 'is required');
  checkFields(config as unknown as Record<string, unknown>, GROUP_FIELDS, '', c);
  config.aggregate_metric_list?.forEach((m, i) => {
    const f = `aggregate_metric_list[${i}]`;
    if (obj(m) !== null || typeof m.metric !== 'string') fail(c, f, 'must be a mapping with a "metric" name');
    checkFields(m as unknown as Record<string, unknown>, { metric: str, aggregation: (v) => (v === 'mean' ? null : 'only "mean" is supported'), weight_by_size: bool, filter_list: strOrList }, f, c);
  });
}
