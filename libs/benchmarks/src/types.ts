import type { FunctionRegistry } from './functions';

export type Doc = Record<string, unknown>;

export type OutputType = 'multiple_choice' | 'generate_until' | 'loglikelihood' | 'loglikelihood_rolling';
export const OUTPUT_TYPES: readonly OutputType[] = ['multiple_choice', 'generate_until', 'loglikelihood', 'loglikelihood_rolling'];

export type DatasetFormat = 'jsonl' | 'json' | 'csv' | 'parquet' | 'text' | 'hellaswag-txt' | 'xml';

/**
 * One data file: `path` is relative to the data dir unless it is absolute or a URL
 * (file://, s3://bucket/key, http(s)://, hf://datasets/<owner>/<name>[@revision]/<file>).
 */
export interface DatasetSource {
  path: string;
  format: DatasetFormat;
}

/** A `!function name` reference in YAML (or `{ function: name }` in code) to a registered function. */
export interface FunctionRef {
  function: string;
}

export const isFunctionRef = (v: unknown): v is FunctionRef =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as FunctionRef).function === 'string' && Object.keys(v).length === 1;

export interface MetricConfig {
  metric: string | FunctionRef;
  aggregation?: string | FunctionRef;
  higher_is_better?: boolean;
  /** Metric keyword arguments (exact_match's ignore_case, regexes_to_ignore, pass_at_k's k, …). */
  [kwarg: string]: unknown;
}

export interface FilterStepConfig {
  function: string;
  [kwarg: string]: unknown;
}

export interface FilterConfig {
  name: string;
  filter: FilterStepConfig[];
}

export interface GenerationKwargs {
  until?: string | string[];
  max_gen_toks?: number;
  do_sample?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  seed?: number;
}

export interface FewshotConfig {
  sampler?: 'default' | 'first_n';
  samples?: Doc[] | FunctionRef;
  doc_to_text?: string | number | FunctionRef;
  doc_to_target?: string | number | FunctionRef;
  doc_to_choice?: string | string[] | Record<string, string> | FunctionRef;
  target_delimiter?: string;
  fewshot_delimiter?: string;
  fewshot_indices?: number[];
}

/** densebench's own settings; lm-eval ignores nothing here because it never sees this block. */
export interface DensebenchTaskExtensions {
  /** Template of the gold answer whose conditional loss is measured (default: the target as in few-shot examples). */
  loss_target?: string;
  /** Delimiter between the prompt and loss_target (default: target_delimiter). */
  loss_delimiter?: string;
  /** Largest num_fewshot the task accepts (default: 0 without a few-shot source, else unbounded). */
  max_num_fewshot?: number;
  /** Default few-shot seed (lm-eval's CLI default is 1234). */
  fewshot_seed?: number;
  /** Timeout per program for code-execution metrics, ms (HF code_eval: 3000). */
  code_timeout_ms?: number;
}

export interface DatasetKwargs {
  /** split → file(s); lm-eval/HF `data_files`. A single string means the `train` split, as in HF. */
  data_files?: string | string[] | Record<string, string | string[]>;
  /** Override of the format inferred from dataset_path or the file extension. */
  format?: DatasetFormat;
  /** json: the key holding the list of records when the file is one JSON object; xml: the element that is one document. */
  field?: string;
  /** csv: infer int/float columns like pandas (default true). */
  infer_types?: boolean;
  /** csv: field delimiter (default ","; "\t" for .tsv). */
  delimiter?: string;
  /** text: "line" (default), "paragraph", "document"; or split on `separator`. json: "document" = each file is one record. */
  sample_by?: 'line' | 'paragraph' | 'document';
  separator?: string;
  /** Expected sha256 per split (or of every file); verified, and used as the dataset cache key. */
  sha256?: string | Record<string, string>;
  /** Hugging Face revision for hf:// sources (default "main"). */
  revision?: string;
  /**
   * split → {column: file}: a text file of one value a line, zipped onto the split's documents in
   * order as that (string) column, as Hugging Face builders zip a labels file (PIQA's valid-labels.lst).
   */
  line_columns?: Record<string, Record<string, string>>;
}

/** lm-evaluation-harness's TaskConfig vocabulary (lm_eval/config/task.py), plus `densebench`. */
export interface TaskConfig {
  task: string;
  task_alias?: string;
  tag?: string | string[];
  group?: string | string[];
  group_alias?: string;
  include?: string;
  dataset_path?: string;
  dataset_name?: string | null;
  dataset_kwargs?: DatasetKwargs;
  training_split?: string | null;
  validation_split?: string | null;
  test_split?: string | null;
  fewshot_split?: string | null;
  process_docs?: FunctionRef;
  doc_to_text?: string | number | FunctionRef;
  doc_to_target?: string | number | Array<string | number> | FunctionRef;
  doc_to_choice?: string | string[] | Record<string, string> | FunctionRef;
  process_results?: FunctionRef;
  description?: string;
  target_delimiter?: string;
  fewshot_delimiter?: string;
  fewshot_config?: FewshotConfig;
  num_fewshot?: number;
  metric_list?: MetricConfig[];
  output_type?: OutputType;
  generation_kwargs?: GenerationKwargs;
  repeats?: number;
  filter_list?: FilterConfig[];
  should_decontaminate?: boolean;
  doc_to_decontamination_query?: string;
  gen_prefix?: string;
  unsafe_code?: boolean;
  metadata?: Record<string, unknown> | Array<Record<string, unknown>>;
  densebench?: DensebenchTaskExtensions;
}

export interface AggregateMetricConfig {
  metric: string;
  aggregation?: 'mean';
  weight_by_size?: boolean;
  filter_list?: string | string[];
}

/** lm-eval's group config (`group:` YAML). */
export interface GroupConfig {
  group: string;
  group_alias?: string;
  task: string[];
  aggregate_metric_list?: AggregateMetricConfig[];
  metadata?: Record<string, unknown> | Array<Record<string, unknown>>;
}

/** A metric of a task as resolved from its metric_list (or the output type's defaults). */
export interface MetricSpec {
  metric: string;
  aggregation: string;
  higherIsBetter: boolean;
  kwargs: Record<string, unknown>;
  /** Registered metric function (for metrics the engine does not compute itself). */
  function?: string;
}

export interface FilterSpec {
  name: string;
  steps: FilterStepConfig[];
}

/** Generation settings resolved for requests (lm-eval defaults applied). */
export interface ResolvedGeneration {
  until: string[];
  maxGenToks: number;
  doSample: boolean;
  temperature: number;
  topP?: number;
  topK?: number;
  seed?: number;
}

export interface SplitPlan {
  /** Split the documents are evaluated on (test_split, else validation_split). */
  eval: string;
  /** Split few-shot examples come from (null: none, or samples given inline/by function). */
  fewshot: string | null;
  /** lm-eval's `fewshot_split == test_split` (draw n+1 and drop the doc itself). */
  sameSplit: boolean;
}

/**
 * A compiled task: its resolved config (the data that defines it) plus the render functions that
 * implement lm-eval's doc_to_text / doc_to_target / doc_to_choice semantics on it.
 */
export interface TaskDefinition {
  name: string;
  alias?: string;
  version: string;
  description?: string;
  outputType: OutputType;
  /** The primary data file of the evaluation split (for listings; loading uses `config`). */
  dataset: DatasetSource;
  splits: SplitPlan;
  docToText: (doc: Doc) => string | number;
  docToTarget: (doc: Doc) => number | string | Array<number | string>;
  docToChoice?: (doc: Doc) => string[];
  /** Few-shot variants (fewshot_config overrides), used for the examples in the prompt. */
  fewshot: {
    sampler: 'default' | 'first_n';
    docToText: (doc: Doc) => string | number;
    docToTarget: (doc: Doc) => number | string | Array<number | string>;
    docToChoice?: (doc: Doc) => string[];
    targetDelimiter: string;
    fewshotDelimiter: string;
  };
  renderDescription: (doc: Doc) => string;
  genPrefix?: (doc: Doc) => string;
  lossTarget?: (doc: Doc) => string;
  lossDelimiter: string;
  targetDelimiter: string;
  fewshotDelimiter: string;
  defaultNumFewshot: number;
  /** Largest num_fewshot the task accepts (0 when it has no few-shot pool). */
  maxNumFewshot: number;
  defaultFewshotSeed: number;
  metrics: MetricSpec[];
  filters: FilterSpec[];
  generation?: ResolvedGeneration;
  repeats: number;
  unsafeCode: boolean;
  codeTimeoutMs: number;
  processResults?: string;
  tags: string[];
  /** The resolved config (includes applied), the thing the task hash is computed over. */
  config: TaskConfig;
  /** Where the task's named functions (process_docs, custom filters and metrics) are looked up. */
  functions: FunctionRegistry;
  /** sha256 of the canonical JSON of `config`. */
  hash: string;
}

/** A group of tasks aggregated together (lm-eval `group:`), e.g. mmlu and its four categories. */
export interface GroupDefinition {
  name: string;
  alias?: string;
  /** Direct children: task or group names. */
  tasks: string[];
  aggregate: Array<{ metric: string; filters: string[]; weightBySize: boolean }>;
  version: string;
  config: GroupConfig;
}
