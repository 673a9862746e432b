import { BackendKind } from './enums';

/** How a worker reaches a model. Stored with the model; sent to workers in shard specs. */
export interface LlamaCppBackendSpec {
  kind: BackendKind.LlamaCpp;
  /** A local path (absolute, or looked up in the worker's model folders) … */
  path?: string;
  /** … or an s3://, http(s):// or hf:// URL that the worker downloads into its model cache (hf://: the Hugging Face cache). */
  url?: string;
  /** Expected sha256 of the GGUF file; verified after download when given. */
  sha256?: string;
  contextSize?: number;
  gpuLayers?: number;
}

export interface OpenAiBackendSpec {
  kind: BackendKind.OpenAi;
  /** The OpenAI base URL, e.g. http://vllm:8000/v1 (endpoints are <baseUrl>/completions, …). */
  baseUrl: string;
  model: string;
  /** Name of the environment variable on the worker that holds the API key (never the key itself). */
  apiKeyEnv?: string;
  revision?: string;
  tokenizer?: string;
  /** Requests in flight at once (default: the worker's WORKER_OPENAI_CONCURRENCY). */
  maxConcurrency?: number;
  /**
   * completions (default): /completions for everything, log-likelihoods through echo + logprobs.
   * chat: /chat/completions for generation only (chat endpoints return no prompt logprobs).
   */
  api?: 'completions' | 'chat';
  /**
   * How log-likelihood requests find the context/continuation boundary: server = the server's
   * /tokenize (llama.cpp server, vLLM, SGLang), token-id prompts as lm-eval's tokenized requests;
   * offsets = text prompts and logprobs.text_offset; auto (default) = server when /tokenize answers.
   */
  tokenize?: 'auto' | 'server' | 'offsets';
  /** Positions the server's model takes (default: what /v1/models reports, if anything). */
  contextSize?: number;
  /** Per-request timeout in ms (default: WORKER_OPENAI_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Retries on 429/5xx/timeouts/connection errors (default: WORKER_OPENAI_MAX_RETRIES). */
  maxRetries?: number;
}

export interface ReplayBackendSpec {
  kind: BackendKind.Replay;
  /** The run whose stored outputs are replayed. */
  sourceRunId: string;
  /** Only this benchmark's artifacts are loaded (set per shard by the API); all of the run's when absent. */
  benchmark?: string;
  /**
   * The source's artifacts holding the shard's documents (set per shard by the API): only those are
   * loaded for it. Every artifact of the benchmark when absent.
   */
  artifacts?: string[];
}

export type BackendSpec = LlamaCppBackendSpec | OpenAiBackendSpec | ReplayBackendSpec;

/**
 * A model with published numbers only (imported results, reference-family members given their measurements): no
 * backend a worker runs, so runs of it are refused.
 */
export const IMPORTED_BACKEND_KIND = 'imported';
