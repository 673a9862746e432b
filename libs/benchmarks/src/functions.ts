import type { CodeExecutor } from './code/code-executor';
import { ErrorLocation, taskError } from './errors';
import type { Doc } from './types';

/** A per-sample metric value: a number, or (numerator, weight) for weighted aggregations. */
export type MetricValue = number | [number, number];

export interface ProcessDocsContext {
  task: string;
  split: string;
}

export interface MetricCallContext {
  doc: Doc;
  executor?: CodeExecutor;
  timeoutMs: number;
  /** Set by the engine with the programs run, for the per-sample record. */
  details?: unknown[];
}

/**
 * The named functions YAML tasks reference with `!function name` (lm-eval points at a Python
 * `utils.py`; here they are TypeScript functions registered by name).
 */
export interface FunctionKinds {
  /** process_docs: the split's documents → the documents evaluated. */
  process_docs: (docs: Doc[], ctx: ProcessDocsContext) => Doc[];
  /** process_results: lm-eval's (doc, results) → {metric: value}. */
  process_results: (doc: Doc, results: unknown[]) => Record<string, MetricValue>;
  /** custom filter: per-doc response lists → filtered responses. */
  filter: (resps: unknown[][], docs: Doc[]) => unknown[];
  /** metric: (references, predictions, kwargs) → value or {key: value} (e.g. pass@k). */
  metric: (
    references: unknown[],
    predictions: unknown[],
    kwargs: Record<string, unknown>,
    ctx: MetricCallContext,
  ) => number | Record<string, number> | Promise<number | Record<string, number>>;
  /** doc_to_text / doc_to_target / doc_to_choice as functions. */
  doc: (doc: Doc) => unknown;
  /** fewshot_config.samples as a function. */
  samples: () => Doc[];
}

export type FunctionKind = keyof FunctionKinds;

export class FunctionRegistry {
  private readonly fns = new Map<string, unknown>();

  register<K extends FunctionKind>(kind: K, name: string, fn: FunctionKinds[K]): this {
    this.fns.set(`${kind}:${name}`, fn);
    return this;
  }

  names(kind: FunctionKind): string[] {
    const prefix = `${kind}:`;
    return [...this.fns.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  has(kind: FunctionKind, name: string): boolean {
    return this.resolveName(kind, name) !== null;
  }

  /**
   * Finds a function by exact name, or an lm-eval style `utils.<fn>` reference by its last component
   * when exactly one registered function has it.
   */
  resolveName(kind: FunctionKind, name: string): string | null {
    if (this.fns.has(`${kind}:${name}`)) return name;
    const last = name.split('.').pop()!;
    const hits = this.names(kind).filter((n) => n === last || n.endsWith(`.${last}`));
    return hits.length === 1 ? hits[0] : null;
  }

  get<K extends FunctionKind>(kind: K, name: string, where: ErrorLocation): FunctionKinds[K] {
    const resolved = this.resolveName(kind, name);
    if (resolved === null) {
      const last = name.split('.').pop()!;
      const candidates = this.names(kind).filter((n) => n.endsWith(`.${last}`) || n === last);
      const hint = candidates.length > 1 ? `ambiguous, use one of: ${candidates.join(', ')}` : `known ${kind} functions: ${this.names(kind).join(', ') || 'none'}`;
      throw taskError(where, `no ${kind} function "${name}" (${hint})`);
    }
    return this.fns.get(`${kind}:${resolved}`) as FunctionKinds[K];
  }
}
