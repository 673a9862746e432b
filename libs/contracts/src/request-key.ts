import { createHash, hash } from 'node:crypto';
import type {
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  RollingLoglikelihoodRequest,
  RollingLoglikelihoodResult,
} from './requests';

/** lm-evaluation-harness's three request types. */
export type RequestType = 'loglikelihood' | 'loglikelihood_rolling' | 'generate_until';

export type TypedRequest =
  | ({ type: 'loglikelihood' } & LoglikelihoodRequest)
  | ({ type: 'loglikelihood_rolling' } & RollingLoglikelihoodRequest)
  | ({ type: 'generate_until' } & GenerateRequest);

export type AnyResult = LoglikelihoodResult | RollingLoglikelihoodResult | GenerateResult;

/**
 * The content of a request, in a canonical form: what the model is asked, nothing about who asks.
 * generate_until: the prompt and every generation parameter (seed included: it selects the sample).
 */
export function requestArguments(r: TypedRequest): unknown[] {
  switch (r.type) {
    case 'loglikelihood':
      return [r.context, r.continuation];
    case 'loglikelihood_rolling':
      return [r.text];
    case 'generate_until': {
      const params: Record<string, unknown> = { until: r.until, max_tokens: r.maxTokens, temperature: r.temperature };
      if (r.topP !== undefined) params.top_p = r.topP;
      if (r.topK !== undefined) params.top_k = r.topK;
      if (r.seed !== undefined) params.seed = r.seed;
      return [r.context, params];
    }
  }
}

/** sha256 of the request type and its canonical arguments: how stored answers are matched to requests. */
export function requestKey(r: TypedRequest): string {
  return requestKeyFor(r.type, r);
}

/**
 * Keys computed so far, per request object: a replayed sample's requests are keyed to look up their
 * answers and again to record them (~15 µs a sample of JSON and sha256 saved). Requests are not
 * changed once made, so an object's key stays valid.
 */
const memo = new WeakMap<object, { type: RequestType; key: string }>();

/** requestKey of an untyped request of the given type (a backend's input), memoized on the object. */
export function requestKeyFor(type: RequestType, r: LoglikelihoodRequest | RollingLoglikelihoodRequest | GenerateRequest): string {
  const known = memo.get(r);
  if (known?.type === type) return known.key;
  const key = sha256Hex(canonicalJson(type, r));
  memo.set(r, { type, key });
  return key;
}

/** sha256 as hex. One-shot crypto.hash (node >= 20.12) is several times cheaper than createHash for short inputs; same digest. */
export const sha256Hex: (s: string | Buffer) => string =
  typeof hash === 'function' ? (s) => hash('sha256', s, 'hex') : (s) => createHash('sha256').update(s).digest('hex');

/**
 * JSON of [type, ...requestArguments]: built directly for the log-likelihood types (they are keyed per
 * sample, on the hot path). A multiple-choice sample's requests share one context, so the JSON prefix
 * of the last context is kept: its JSON.stringify runs once a sample, not once a choice.
 */
function canonicalJson(type: RequestType, r: LoglikelihoodRequest | RollingLoglikelihoodRequest | GenerateRequest): string {
  switch (type) {
    case 'loglikelihood': {
      const { context, continuation } = r as LoglikelihoodRequest;
      if (context !== lastContext) {
        lastContext = context;
        lastPrefix = `["loglikelihood",${JSON.stringify(context)},`;
      }
      return `${lastPrefix}${JSON.stringify(continuation)}]`;
    }
    case 'loglikelihood_rolling':
      return JSON.stringify([type, (r as RollingLoglikelihoodRequest).text]);
    case 'generate_until':
      return JSON.stringify([type, ...requestArguments({ ...r, type } as TypedRequest)]);
  }
}
let lastContext: string | undefined;
let lastPrefix = '';

/** One backend answer as a per-sample record keeps it (SampleRecord.responses). */
export interface RecordedResponse {
  type: RequestType;
  /** requestKey() of the request answered. */
  key: string;
  response: AnyResult;
}

/** The answers to a sample's requests (index-aligned), as SampleRecord.responses stores them. */
export function recordResponses(requests: readonly TypedRequest[], responses: readonly AnyResult[]): RecordedResponse[] {
  return requests.map((r, i) => ({ type: r.type, key: requestKey(r), response: responses[i] }));
}
