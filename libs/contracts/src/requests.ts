/**
 * The three request types every inference backend answers (lm-evaluation-harness's model API).
 * Benchmarks build them; backends batch and answer them.
 */
export interface LoglikelihoodRequest {
  context: string;
  continuation: string;
}

export interface LoglikelihoodResult {
  /** Sum of natural-log probabilities of the continuation tokens given the context. */
  logprob: number;
  /** Whether every continuation token is the argmax of its position (greedy decoding would produce it). */
  isGreedy: boolean;
  contextTokens: number;
  continuationTokens: number;
  /** Wall time of the backend call that answered it (ms), when the backend measures it per request. */
  totalMs?: number;
  /** Answered from the request cache (the timings are those of the original answer). */
  cached?: boolean;
}

export interface RollingLoglikelihoodRequest {
  text: string;
}

export interface RollingLoglikelihoodResult {
  logprob: number;
  tokens: number;
  /** Wall time of the backend call(s) that answered it (ms), when the backend measures it per request. */
  totalMs?: number;
  /** Answered from the request cache (the timings are those of the original answer). */
  cached?: boolean;
}

export interface GenerateRequest {
  context: string;
  until: string[];
  maxTokens: number;
  /** 0 means greedy decoding. */
  temperature: number;
  topP?: number;
  topK?: number;
  seed?: number;
  /** Which of a document's repeated samples this is (0..repeats−1); distinguishes sampled generations in caches. */
  sampleIndex?: number;
}

export interface GenerateResult {
  text: string;
  inputTokens: number;
  outputTokens: number;
  finishReason: 'stop' | 'eog' | 'length' | 'context';
  ttftMs: number;
  totalMs: number;
  /** Answered from the request cache (the timings are those of the original answer). */
  cached?: boolean;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /**
   * Called as answers become final, before the call returns (progress as samples finish): the request
   * type, the request's index in the list of that type, and the answer. Backends that cannot tell
   * report nothing.
   */
  onAnswer?: (
    type: 'loglikelihood' | 'loglikelihood_rolling' | 'generate_until',
    index: number,
    answer: LoglikelihoodResult | RollingLoglikelihoodResult | GenerateResult,
  ) => void;
}
