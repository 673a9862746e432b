import { recordResponses } from '@app/contracts';
import { type GenerateResult, type LoglikelihoodResult, type RollingLoglikelihoodResult, SAMPLE_RECORD_SCHEMA_VERSION, type SampleRecord } from '@app/contracts';
import { CodeExecutor, evaluateCandidates, ProgramResult } from '../code/code-executor';
import { docError } from '../errors';
import { applyFilters } from '../filters/filters';
import type { MetricValue } from '../functions';
import { docHash, sha256 } from '../hashing';
import { exactMatch } from '../metrics/exact-match';
import { metricKey, WEIGHT_SUFFIX } from '../metrics/metric-defs';
import { byteLength, multipleChoiceScores } from '../metrics/multiple-choice';
import { pyStr, PY_WHITESPACE_CLASS } from '../python/str';
import type { MetricSpec, TaskDefinition } from '../types';
import type { EngineResponse, GenerateEngineRequest, LoglikelihoodEngineRequest, PreparedSample } from './requests';

export interface SampleTiming {
  latencyMs: number;
  ttftMs?: number;
  tpotMs?: number;
}

export interface ScoreOptions {
  /** Required by tasks with code-execution metrics (pass@k): the sandbox. */
  executor?: CodeExecutor;
}

const WORD_SPLIT = new RegExp(`[${PY_WHITESPACE_CLASS}]+`, 'u');

/** lm-eval count_words: len(re.split(r"\s+", text)). */
export const countWords = (text: string): number => text.split(WORD_SPLIT).length;

function isLL(r: EngineResponse | undefined): r is LoglikelihoodResult {
  return !!r && typeof (r as LoglikelihoodResult).logprob === 'number' && 'isGreedy' in r;
}

function checkResponses(task: TaskDefinition, s: PreparedSample, responses: readonly EngineResponse[]): void {
  if (responses.length !== s.requests.length) {
    throw docError(task.name, s.docId, 'responses', new Error(`got ${responses.length} responses for ${s.requests.length} requests`));
  }
  s.requests.forEach((req, i) => {
    const r = responses[i] as unknown as Record<string, unknown>;
    const ok =
      req.type === 'generate_until' ? typeof r?.text === 'string' : typeof r?.logprob === 'number' && (req.type === 'loglikelihood_rolling' || typeof r.isGreedy === 'boolean');
    if (!ok) throw docError(task.name, s.docId, 'responses', new Error(`response ${i} does not answer a ${req.type} request`));
  });
}

/** Per-sample values → SampleRecord.metrics (weighted pairs stored as key and key + "__weight"). */
function flatten(values: Record<string, MetricValue>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) {
    if (Array.isArray(v)) {
      out[k] = v[0];
      out[k + WEIGHT_SUFFIX] = v[1];
    } else out[k] = typeof v === 'boolean' ? Number(v) : v;
  }
  return out;
}

async function generationMetric(
  task: TaskDefinition,
  spec: MetricSpec,
  gold: unknown,
  result: unknown,
  s: PreparedSample,
  opts: ScoreOptions,
  executions: ProgramResult[],
): Promise<Record<string, number>> {
  const references = Array.isArray(gold) ? gold.map(pyStr) : [pyStr(gold)];
  const code = spec.metric === 'pass_at_k' || spec.metric === 'pass_at_1';
  if (code) {
    if (!opts.executor) throw new Error(`metric ${spec.metric} executes model-written code: pass a CodeExecutor (the sandbox) to scoreSample`);
    const candidates = (Array.isArray(result) ? result : [result]).map((c) => pyStr(c));
    const kArg = spec.metric === 'pass_at_1' ? 1 : spec.kwargs.k;
    const ks = (Array.isArray(kArg) ? kArg : [kArg]) as number[];
    const { passAtK, results } = await evaluateCandidates(candidates, references[0], ks, opts.executor, task.codeTimeoutMs);
    executions.push(...results);
    if (spec.metric === 'pass_at_1') return passAtK[1] === undefined ? {} : { pass_at_1: passAtK[1] };
    return Object.fromEntries(Object.entries(passAtK).map(([k, v]) => [`pass@${k}`, v]));
  }
  if (spec.metric === 'exact_match') {
    if (Array.isArray(result)) throw new Error('exact_match needs one response per document: end the filter pipeline with take_first');
    return { exact_match: exactMatch([pyStr(result)], references, spec.kwargs) };
  }
  const fn = task.functions.get('metric', spec.function ?? spec.metric, { task: task.name, field: 'metric_list' });
  const v = await fn(Array.isArray(gold) ? gold : [gold], [result], spec.kwargs, { doc: s.doc, executor: opts.executor, timeoutMs: task.codeTimeoutMs });
  return typeof v === 'number' ? { [spec.metric]: v } : v;
}

/**
 * Scores one document from the backend's responses (index-aligned with prepared.requests) exactly
 * as lm-evaluation-harness's process_results does, and builds its per-sample record, including the
 * conditional loss of the gold answer and token/timing accounting.
 */
export async function scoreSample(
  task: TaskDefinition,
  s: PreparedSample,
  responses: readonly EngineResponse[],
  timing: SampleTiming,
  opts: ScoreOptions = {},
): Promise<SampleRecord> {
  checkResponses(task, s, responses);
  const values: Record<string, MetricValue> = {};
  const idx = (purpose: string) => s.requests.map((r, i) => (r.purpose === purpose ? i : -1)).filter((i) => i >= 0);
  const scoreIdx = idx('score');
  let filtered: unknown[] = [];
  try {
    if (task.outputType === 'generate_until') {
      const texts = scoreIdx.map((i) => (responses[i] as GenerateResult).text);
      const perFilter = applyFilters(task.filters, texts, s.doc, task.functions, task.name);
      let gold: unknown = s.target;
      if (task.docToChoice && typeof gold === 'number') gold = task.docToChoice(s.doc)[gold];
      for (const [filter, result] of perFilter) {
        const executions: ProgramResult[] = [];
        if (task.processResults) {
          const out = task.functions.get('process_results', task.processResults, { task: task.name, field: 'process_results' })(s.doc, [result]);
          for (const [k, v] of Object.entries(out)) values[metricKey(k, filter)] = v;
        } else {
          for (const spec of task.metrics) {
            const out = await generationMetric(task, spec, gold, result, s, opts, executions);
            for (const [k, v] of Object.entries(out)) values[metricKey(k, filter)] = v;
          }
        }
        filtered.push(executions.length ? { value: result, executions: executions.map((e) => ({ passed: e.passed, result: e.result })) } : result);
      }
    } else {
      filtered = loglikelihoodMetrics(task, s, responses, values);
    }
  } catch (err) {
    throw docError(task.name, s.docId, 'metrics', err);
  }
  return buildRecord(task, s, responses, timing, values, filtered);
}

/** multiple_choice, loglikelihood and loglikelihood_rolling: fills `values`, returns filtered_resps. */
function loglikelihoodMetrics(task: TaskDefinition, s: PreparedSample, responses: readonly EngineResponse[], values: Record<string, MetricValue>): unknown[] {
  const idx = (purpose: string) => s.requests.map((r, i) => (r.purpose === purpose ? i : -1)).filter((i) => i >= 0);
  const scoreIdx = idx('score');
  const ll = s.requests.map((_, i) => responses[i] as LoglikelihoodResult & RollingLoglikelihoodResult);
  let out: Record<string, MetricValue>;
  if (task.processResults) {
    const results = s.requests.map((r, i) => (r.purpose === 'loss' ? null : [ll[i].logprob, ll[i].isGreedy ?? false])).filter((x) => x !== null);
    out = task.functions.get('process_results', task.processResults, { task: task.name, field: 'process_results' })(s.doc, results);
  } else if (task.outputType === 'multiple_choice') {
    const lls = scoreIdx.map((i) => ll[i].logprob);
    const greedy = scoreIdx.map((i) => ll[i].isGreedy);
    const uncond = idx('unconditional').map((i) => ll[i].logprob);
    const mc = multipleChoiceScores(lls, greedy, s.choices!, s.gold!, uncond.length ? uncond : undefined);
    out = {};
    for (const m of task.metrics) if (m.metric in mc) out[m.metric] = mc[m.metric as keyof typeof mc] as number;
  } else if (task.outputType === 'loglikelihood') {
    const r = ll[scoreIdx[0]];
    out = {};
    for (const m of task.metrics) {
      if (m.metric === 'perplexity') out.perplexity = r.logprob;
      if (m.metric === 'acc') out.acc = r.isGreedy ? 1 : 0;
    }
  } else {
    const text = s.target as string;
    const r = ll[scoreIdx[0]];
    out = {};
    for (const m of task.metrics) {
      if (m.metric === 'word_perplexity') out.word_perplexity = [r.logprob, countWords(text)];
      if (m.metric === 'byte_perplexity') out.byte_perplexity = [r.logprob, byteLength(text)];
      if (m.metric === 'bits_per_byte') out.bits_per_byte = [r.logprob, byteLength(text)];
    }
  }
  for (const f of task.filters) for (const [k, v] of Object.entries(out)) values[metricKey(k, f.name)] = v;
  return s.requests
    .map((r, i) => (r.purpose === 'loss' ? null : r.type === 'loglikelihood_rolling' ? [ll[i].logprob] : [ll[i].logprob, ll[i].isGreedy]))
    .filter((x) => x !== null);
}

/** Synchronous scoring for the log-likelihood output types (no code execution involved). */
export function scoreSampleSync(task: TaskDefinition, s: PreparedSample, responses: readonly EngineResponse[], timing: SampleTiming): SampleRecord {
  if (task.outputType === 'generate_until') throw new Error(`task ${task.name}: generate_until tasks are scored with scoreSample (async)`);
  checkResponses(task, s, responses);
  const values: Record<string, MetricValue> = {};
  let filtered: unknown[];
  try {
    filtered = loglikelihoodMetrics(task, s, responses, values);
  } catch (err) {
    throw docError(task.name, s.docId, 'metrics', err);
  }
  return buildRecord(task, s, responses, timing, values, filtered);
}

function buildRecord(
  task: TaskDefinition,
  s: PreparedSample,
  responses: readonly EngineResponse[],
  timing: SampleTiming,
  values: Record<string, MetricValue>,
  filtered: unknown[],
): SampleRecord {
  const taskReqs = s.requests.map((r, i) => ({ r, res: responses[i] })).filter(({ r }) => r.purpose !== 'loss');
  const gens = taskReqs.filter(({ r }) => r.type === 'generate_until');
  let args: unknown[];
  let resps: unknown[];
  if (gens.length) {
    args = [[s.context, task.config.generation_kwargs ?? { until: (gens[0].r as GenerateEngineRequest).until, do_sample: false, temperature: 0 }]];
    resps = [gens.map(({ res }) => (res as GenerateResult).text)];
  } else {
    args = taskReqs.map(({ r }) => (r.type === 'loglikelihood_rolling' ? [r.text] : [(r as LoglikelihoodEngineRequest).context, (r as LoglikelihoodEngineRequest).continuation]));
    resps = taskReqs.map(({ r, res }) => (r.type === 'loglikelihood_rolling' ? [[(res as RollingLoglikelihoodResult).logprob]] : [[(res as LoglikelihoodResult).logprob, (res as LoglikelihoodResult).isGreedy]]));
  }
  let input = 0;
  let output = 0;
  for (const res of responses) {
    if (isLL(res)) input += res.contextTokens + res.continuationTokens;
    else if ('text' in res) {
      input += res.inputTokens;
      output += res.outputTokens;
    } else input += (res as RollingLoglikelihoodResult).tokens;
  }
  const record: SampleRecord = {
    schema_version: SAMPLE_RECORD_SCHEMA_VERSION,
    doc_id: s.docId,
    benchmark: task.name,
    doc_hash: docHash(s.doc),
    prompt_hash: sha256(s.context),
    target_hash: sha256(pyStr(s.target)),
    arguments: args,
    target: Array.isArray(s.target) ? (s.target.every((t) => typeof t === 'number') ? (s.target as number[]) : pyStr(s.target)) : s.target,
    resps,
    filtered_resps: filtered,
    metrics: flatten(values),
    tokens: { input, output },
    timing: { latency_ms: timing.latencyMs },
    responses: recordResponses(s.requests, responses),
  };
  if (s.lossRequest !== null) {
    const r = responses[s.lossRequest];
    const tokens = isLL(r) ? r.continuationTokens : (r as RollingLoglikelihoodResult).tokens;
    record.loss = { nll: -(r as RollingLoglikelihoodResult).logprob, tokens, bytes: s.lossBytes };
  }
  const genResults = gens.map(({ res }) => res as GenerateResult);
  const ttft = timing.ttftMs ?? (genResults.length ? genResults.reduce((a, g) => a + g.ttftMs, 0) / genResults.length : undefined);
  const decodeMs = genResults.reduce((a, g) => a + Math.max(0, g.totalMs - g.ttftMs), 0);
  const decodeToks = genResults.reduce((a, g) => a + Math.max(0, g.outputTokens - 1), 0);
  const tpot = timing.tpotMs ?? (decodeToks > 0 ? decodeMs / decodeToks : undefined);
  if (ttft !== undefined) record.timing.ttft_ms = ttft;
  if (tpot !== undefined) record.timing.tpot_ms = tpot;
  return record;
}
