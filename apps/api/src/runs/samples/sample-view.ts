import type { SampleRecord } from '@app/contracts';

/** One per-sample record as people read it: the prompt, the gold target, what the model answered and how it scored. */
export interface SampleView {
  benchmark: string;
  docId: number;
  prompt: string;
  /** Multiple-choice continuations (log-likelihood tasks), else null. */
  choices: string[] | null;
  target: string;
  /** The raw response: the generated text, or the choice of highest log-likelihood. */
  response: string;
  /** The response after the task's filters (e.g. the extracted number of GSM8K). */
  filtered: string;
  metrics: Record<string, number>;
  tokens: { input: number; output: number };
  error: string | null;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

/** [context, continuation] pairs of a log-likelihood request list, or null for other requests. */
function pairs(args: unknown[]): Array<[string, string]> | null {
  if (args.length === 0) return null;
  const ok = args.every((a) => Array.isArray(a) && a.length === 2 && typeof a[0] === 'string' && typeof a[1] === 'string');
  return ok ? (args as Array<[string, string]>) : null;
}

/** A log-likelihood response's log-probability: [logprob, isGreedy], [[logprob, isGreedy]] or a bare number. */
function logprob(r: unknown): number | null {
  if (typeof r === 'number') return r;
  if (Array.isArray(r) && r.length > 0) return logprob(r[0]);
  return null;
}

/** The choice of highest log-likelihood among responses, or '' when they are not log-likelihoods. */
function argmaxChoice(resps: unknown[], choices: string[]): string {
  const lps = resps.map(logprob);
  if (lps.length !== choices.length || lps.some((x) => x === null)) return '';
  let best = 0;
  lps.forEach((x, i) => {
    if ((x as number) > (lps[best] as number)) best = i;
  });
  return choices[best];
}

/** Generated text of a response list: [["text"]] or ["text"]. */
const generated = (resps: unknown[]): string => resps.map((r) => (Array.isArray(r) ? r.map(text).join('\n') : text(r))).join('\n');

export function sampleView(r: SampleRecord): SampleView {
  const args = Array.isArray(r.arguments) ? r.arguments : [];
  const mc = pairs(args);
  const choices = mc && mc.length > 1 ? mc.map((p) => p[1]) : null;
  const first = args[0];
  const prompt = Array.isArray(first) ? text(first[0]) : text(first);
  const target =
    choices && typeof r.target === 'number' ? (choices[r.target] ?? String(r.target)) : Array.isArray(r.target) ? r.target.map(text).join(', ') : text(r.target);
  const resps = Array.isArray(r.resps) ? r.resps : [];
  const filteredResps = Array.isArray(r.filtered_resps) ? r.filtered_resps : [];
  return {
    benchmark: r.benchmark,
    docId: r.doc_id,
    prompt,
    choices,
    target,
    response: choices ? argmaxChoice(resps, choices) : mc ? text(logprob(resps[0])) : generated(resps),
    filtered: choices ? argmaxChoice(filteredResps, choices) : mc ? text(logprob(filteredResps[0])) : generated(filteredResps),
    metrics: r.metrics ?? {},
    tokens: { input: r.tokens?.input ?? 0, output: r.tokens?.output ?? 0 },
    error: r.error ?? null,
  };
}

/** Whether a sample's prompt, target, response or filtered answer contains `q` (case-insensitive). */
export function sampleMatches(v: SampleView, q: string): boolean {
  const needle = q.toLowerCase();
  return [v.prompt, v.target, v.response, v.filtered].some((s) => s.toLowerCase().includes(needle));
}
