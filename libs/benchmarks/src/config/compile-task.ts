import { DEFAULT_CODE_TIMEOUT_MS } from '../code/code-executor';
import { splitFiles } from '../data/dataset-loader';
import { inferFormat } from '../data/formats';
import { taskError } from '../errors';
import { buildFilterStep } from '../filters/filters';
import type { FunctionRegistry } from '../functions';
import { canonicalJson, sha256 } from '../hashing';
import { DEFAULT_METRICS, METRICS } from '../metrics/metric-defs';
import type { FilterSpec, GroupConfig, GroupDefinition, MetricConfig, MetricSpec, OutputType, ResolvedGeneration, SplitPlan, TaskConfig, TaskDefinition } from '../types';
import { isFunctionRef } from '../types';
import { makeDocToChoice, makeDocToTarget, makeDocToText, makeStringField } from './doc-fields';

export interface CompileContext {
  functions: FunctionRegistry;
  lines?: Map<string, number>;
  source?: string;
}

/** lm-eval metadata.version (a mapping, or the older list-of-mappings form). */
export function versionOf(metadata: TaskConfig['metadata']): string {
  const m = Array.isArray(metadata) ? Object.assign({}, ...metadata) : metadata;
  const v = (m as Record<string, unknown> | undefined)?.version;
  return v === undefined || v === null ? '0' : typeof v === 'number' && Number.isInteger(v) ? v.toFixed(1) : String(v);
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/** Whether documents of `split` can be loaded with this config. */
export function splitAvailable(config: TaskConfig, split: string): boolean {
  try {
    splitFiles(config, split);
    return true;
  } catch {
    return false;
  }
}

function planSplits(config: TaskConfig, where: (field: string) => { task: string; field: string; line?: number; source?: string }): SplitPlan {
  const evalSplit = config.test_split ?? config.validation_split;
  if (!evalSplit) throw taskError(where('test_split'), 'a task needs test_split or validation_split (the split it is evaluated on)');
  const samples = config.fewshot_config?.samples;
  const fewshot = samples !== undefined ? null : (config.fewshot_split ?? config.training_split ?? config.validation_split ?? config.test_split ?? null);
  return { eval: evalSplit, fewshot, sameSplit: (config.fewshot_split ?? null) === (config.test_split ?? null) };
}

function resolveMetrics(config: TaskConfig, outputType: OutputType, ctx: CompileContext, where: (f: string) => { task: string; field: string }): MetricSpec[] {
  const entries: MetricConfig[] = config.metric_list ?? DEFAULT_METRICS[outputType].map((metric) => ({ metric }));
  return entries.map((m, i) => {
    const { metric, aggregation, higher_is_better, ...kwargs } = m;
    const name = typeof metric === 'string' ? metric : metric.function.split('.').pop()!;
    const def = METRICS[name];
    let fn: string | undefined;
    if (!def) {
      const ref = typeof metric === 'string' ? metric : metric.function;
      if (outputType !== 'generate_until' && !config.process_results) {
        throw taskError(where(`metric_list[${i}].metric`), `unknown metric "${name}" for output type ${outputType} (known: ${Object.keys(METRICS).filter((k) => METRICS[k].outputTypes.includes(outputType)).join(', ')})`);
      }
      if (outputType === 'generate_until') {
        ctx.functions.get('metric', ref, where(`metric_list[${i}].metric`));
        fn = ctx.functions.resolveName('metric', ref)!;
      }
    } else if (!def.outputTypes.includes(outputType) && !config.process_results) {
      throw taskError(where(`metric_list[${i}].metric`), `metric ${name} does not apply to output type ${outputType}`);
    }
    return {
      metric: name,
      aggregation: (aggregation as string | undefined) ?? def?.aggregation ?? 'mean',
      higherIsBetter: higher_is_better ?? def?.higherIsBetter ?? true,
      kwargs,
      ...(fn ? { function: fn } : {}),
    };
  });
}

function resolveGeneration(config: TaskConfig, fewshotDelimiter: string): ResolvedGeneration {
  const g = config.generation_kwargs;
  if (!g) return { until: [fewshotDelimiter], maxGenToks: 256, doSample: false, temperature: 0 };
  return {
    until: g.until === undefined ? [fewshotDelimiter] : typeof g.until === 'string' ? [g.until] : [...g.until],
    maxGenToks: g.max_gen_toks ?? 256,
    doSample: g.do_sample ?? false,
    temperature: g.temperature ?? 0,
    ...(g.top_p !== undefined ? { topP: g.top_p } : {}),
    ...(g.top_k !== undefined ? { topK: g.top_k } : {}),
    ...(g.seed !== undefined ? { seed: g.seed } : {}),
  };
}

/**
 * Turns a validated, include-resolved TaskConfig into a TaskDefinition: defaults as lm-eval's
 * TaskConfig has them (target_delimiter " ", fewshot_delimiter "\n\n", output_type generate_until,
 * filter "none" = take_first, metrics per output type), templates compiled (syntax errors now,
 * naming the field), functions resolved, splits planned, and the config hash.
 */
export function compileTask(config: TaskConfig, ctx: CompileContext): TaskDefinition {
  const name = config.task;
  const where = (field: string) => ({ task: name, field, line: ctx.lines?.get(field), source: ctx.source });
  const outputType: OutputType = config.output_type ?? 'generate_until';
  const targetDelimiter = config.target_delimiter ?? ' ';
  const fewshotDelimiter = config.fewshot_delimiter ?? '\n\n';
  const fs = config.fewshot_config ?? {};
  const hasChoice = config.doc_to_choice !== undefined;
  const fsHasChoice = hasChoice || fs.doc_to_choice !== undefined;
  if (outputType === 'multiple_choice' && !hasChoice) throw taskError(where('doc_to_choice'), 'is required for output_type multiple_choice');

  const docToText = makeDocToText(config.doc_to_text, hasChoice, ctx.functions, where('doc_to_text'));
  const docToTarget = makeDocToTarget(config.doc_to_target, hasChoice, ctx.functions, where('doc_to_target'));
  const docToChoice = makeDocToChoice(config.doc_to_choice, ctx.functions, where('doc_to_choice'));
  const splits = planSplits(config, where);

  let samplesCount: number | null = null;
  if (fs.samples !== undefined) {
    samplesCount = isFunctionRef(fs.samples) ? ctx.functions.get('samples', fs.samples.function, where('fewshot_config.samples'))().length : fs.samples.length;
  }
  const fewshotAvailable = samplesCount !== null ? samplesCount > 0 : splits.fewshot !== null && splitAvailable(config, splits.fewshot);
  const maxNumFewshot = config.densebench?.max_num_fewshot ?? (samplesCount ?? (fewshotAvailable ? Number.MAX_SAFE_INTEGER : 0));
  const defaultNumFewshot = config.num_fewshot ?? 0;
  if (defaultNumFewshot > maxNumFewshot) {
    throw taskError(where('num_fewshot'), `is ${defaultNumFewshot} but the task has ${maxNumFewshot === 0 ? 'no few-shot source (fewshot_split data or fewshot_config.samples)' : `at most ${maxNumFewshot} few-shot examples`}`);
  }

  const metrics = resolveMetrics(config, outputType, ctx, where);
  const filters: FilterSpec[] = (config.filter_list ?? [{ name: 'none', filter: [{ function: 'take_first' }] }]).map((f) => ({ name: f.name, steps: f.filter }));
  filters.forEach((f, i) => f.steps.forEach((s) => buildFilterStep(s, ctx.functions, where(`filter_list[${i}]`))));
  if (config.process_results) ctx.functions.get('process_results', config.process_results.function, where('process_results'));
  if (config.process_docs) ctx.functions.get('process_docs', config.process_docs.function, where('process_docs'));

  const genPrefix = makeStringField(config.gen_prefix, where('gen_prefix'), true);
  const description = makeStringField(config.description, where('description'));
  const lossTarget = makeStringField(config.densebench?.loss_target, where('densebench.loss_target'));

  let dataset = { path: '', format: 'jsonl' as const } as TaskDefinition['dataset'];
  try {
    const file = splitFiles(config, splits.eval)[0];
    dataset = { path: file, format: inferFormat(file, config.dataset_path, config.dataset_kwargs?.format ?? (config.dataset_path === 'hellaswag_text' ? 'hellaswag-txt' : undefined)) };
  } catch (err) {
    throw taskError(where('dataset_kwargs.data_files'), (err as Error).message.replace(/^task "[^"]*": /, ''));
  }

  return {
    name,
    ...(config.task_alias ? { alias: config.task_alias } : {}),
    version: versionOf(config.metadata),
    ...(config.description !== undefined ? { description: config.description } : {}),
    outputType,
    dataset,
    splits,
    docToText,
    docToTarget,
    ...(docToChoice ? { docToChoice } : {}),
    fewshot: {
      sampler: fs.sampler ?? 'default',
      docToText: fs.doc_to_text !== undefined ? makeDocToText(fs.doc_to_text, fsHasChoice, ctx.functions, where('fewshot_config.doc_to_text')) : docToText,
      docToTarget: fs.doc_to_target !== undefined ? makeDocToTarget(fs.doc_to_target, fsHasChoice, ctx.functions, where('fewshot_config.doc_to_target')) : docToTarget,
      docToChoice: fs.doc_to_choice !== undefined ? makeDocToChoice(fs.doc_to_choice, ctx.functions, where('fewshot_config.doc_to_choice')) : docToChoice,
      targetDelimiter: fs.target_delimiter ?? targetDelimiter,
      fewshotDelimiter: fs.fewshot_delimiter ?? fewshotDelimiter,
    },
    renderDescription: description ?? (() => ''),
    ...(genPrefix ? { genPrefix } : {}),
    ...(lossTarget ? { lossTarget } : {}),
    lossDelimiter: config.densebench?.loss_delimiter ?? targetDelimiter,
    targetDelimiter,
    fewshotDelimiter,
    defaultNumFewshot,
    maxNumFewshot,
    defaultFewshotSeed: config.densebench?.fewshot_seed ?? 1234,
    metrics,
    filters,
    ...(outputType === 'generate_until' ? { generation: resolveGeneration(config, fewshotDelimiter) } : {}),
    repeats: config.repeats ?? 1,
    unsafeCode: config.unsafe_code ?? false,
    codeTimeoutMs: config.densebench?.code_timeout_ms ?? DEFAULT_CODE_TIMEOUT_MS,
    ...(config.process_results ? { processResults: ctx.functions.resolveName('process_results', config.process_results.function)! } : {}),
    tags: [...list(config.tag), ...list(config.group)],
    config,
    functions: ctx.functions,
    hash: sha256(canonicalJson(config)),
  };
}

export function compileGroup(config: GroupConfig): GroupDefinition {
  const aggregate = (config.aggregate_metric_list ?? []).map((m) => ({
    metric: m.metric,
    filters: list(m.filter_list).length ? list(m.filter_list) : ['none'],
    weightBySize: m.weight_by_size ?? false,
  }));
  return {
    name: config.group,
    ...(config.group_alias ? { alias: config.group_alias } : {}),
    tasks: [...config.task],
    aggregate,
    version: versionOf(config.metadata),
    config,
  };
}
