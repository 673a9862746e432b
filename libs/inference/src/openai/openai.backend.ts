import {
  DomainException,
  ErrorCode,
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  OpenAiBackendSpec,
  RequestOptions,
  RollingLoglikelihoodRequest,
  RollingLoglikelihoodResult,
} from '@app/contracts';
import { BackendInfo, InferenceBackend } from '../backend.interface';
import { splitTrailingWhitespace, truncateLeft } from '../backends/lm-eval-encoding';
import { rollingWindows } from '../backends/rolling-windows';
import { HttpStats, OpenAiHttp, OpenAiHttpOptions } from './openai-http';
import { continuationStart, readEchoLogprobs, scoreSpan } from './echo-logprobs';
import { chatOnly, cutAtStop, finishReason, newStreamState, StreamState, streamEvent } from './openai-text';

export interface OpenAiBackendOptions extends Omit<OpenAiHttpOptions, 'baseUrl'> {
  signal?: AbortSignal;
}

type TokenizeMode = 'server' | 'offsets' | 'none';

interface ModelEntry {
  id?: string;
  owned_by?: string;
  max_model_len?: number;
  context_length?: number;
  meta?: { n_ctx?: number; n_ctx_train?: number };
}

/**
 * Any OpenAI-compatible server (vLLM, SGLang, TGI, llama.cpp server, Ollama, hosted APIs) through
 * its completions and chat endpoints, following lm-evaluation-harness's local-completions model:
 *
 * - loglikelihood: one completions request per (context, continuation) with `echo: true,
 *   logprobs: 1, max_tokens: 1, temperature: 0`; the answer is the sum of the echoed prompt's
 *   token_logprobs over the continuation's tokens and is_greedy = each of them is the best offered
 *   in top_logprobs (lm-eval's `sum(token_logprobs[ctxlen:-1])`; we slice by the prompt's known
 *   length instead of dropping the last element). The continuation's tokens are found as lm-eval's
 *   _encode_pair does, with the server's own tokenizer: `tokenize` mode "server" asks /tokenize for
 *   tok(context) and tok(context + continuation) and sends token ids (lm-eval's tokenized requests),
 *   so the result equals our llama-cpp backend's on the same GGUF; mode "offsets" (servers without
 *   /tokenize) sends text and takes the echoed tokens that end inside the continuation's last
 *   characters, using logprobs.text_offset (a token straddling the boundary counts as continuation).
 * - loglikelihood_rolling: lm-eval's disjoint rolling windows over the server's tokens (max window
 *   = context size − 2: one position is the generated token), each scored like a continuation.
 * - generate_until: streamed completions (or chat completions with api "chat"), stop sequences sent
 *   to the server (at most 4, OpenAI's limit) and applied again to the text, max tokens,
 *   temperature/top-p/top-k, seed; time to first token from the stream, token counts from `usage`.
 *
 * Requests run concurrently under a semaphore (spec.maxConcurrency), each with a timeout and
 * retries with backoff (OpenAiHttp). Chat endpoints return no prompt logprobs, so chat models
 * cannot answer log-likelihood requests: they fail with an explanation.
 */
export class OpenAiBackend implements InferenceBackend {
  private readonly tokenCache = new Map<string, Promise<number[]>>();

  private constructor(
    readonly info: BackendInfo,
    private readonly spec: OpenAiBackendSpec,
    private readonly http: OpenAiHttp,
    private readonly mode: TokenizeMode,
    private readonly contextSize: number,
    private readonly prefixToken: number | null,
  ) {}

  /** HTTP counters (requests sent, retries). */
  get stats(): HttpStats {
    return this.http.stats;
  }

  static async connect(spec: OpenAiBackendSpec, opts: OpenAiBackendOptions): Promise<OpenAiBackend> {
    const baseUrl = spec.baseUrl.replace(/\/+$/, '');
    const concurrency = spec.maxConcurrency ?? opts.concurrency;
    const http = new OpenAiHttp({
      ...opts,
      baseUrl,
      concurrency,
      timeoutMs: spec.timeoutMs ?? opts.timeoutMs,
      maxRetries: spec.maxRetries ?? opts.maxRetries,
    });
    const entry = await listedModel(http, spec.model, opts.signal);
    const contextSize = spec.contextSize ?? entry?.meta?.n_ctx ?? entry?.max_model_len ?? entry?.context_length ?? 0;
    const api = spec.api ?? 'completions';
    let mode: TokenizeMode = 'none';
    let prefixToken: number | null = null;
    if (api === 'completions') {
      const wanted = spec.tokenize ?? 'auto';
      const probe = wanted === 'offsets' ? null : await tokenizeProbe(http, spec.model, opts.signal);
      if (wanted === 'server' && !probe) {
        throw new DomainException(ErrorCode.InvalidInput, `${http.rootUrl}/tokenize is not available, and the model's backend asks for tokenize "server"`);
      }
      mode = probe ? 'server' : 'offsets';
      prefixToken = probe ? (probe[0] ?? null) : null;
    }
    const info: BackendInfo = {
      kind: 'openai',
      modelIdentity: `openai:${baseUrl}#${spec.model}@${spec.revision ?? ''}`,
      engine: entry?.owned_by ?? 'openai-compatible',
      engineVersion: spec.revision ?? 'unknown',
      device: 'remote',
      contextSize,
      batchSize: concurrency,
      details: {
        baseUrl,
        model: spec.model,
        api,
        tokenize: mode,
        maxConcurrency: concurrency,
        timeoutMs: spec.timeoutMs ?? opts.timeoutMs,
        maxRetries: spec.maxRetries ?? opts.maxRetries,
        listed: entry !== null,
      },
    };
    return new OpenAiBackend(info, spec, http, mode, contextSize, prefixToken);
  }

  async loglikelihood(requests: LoglikelihoodRequest[], opts: RequestOptions = {}): Promise<LoglikelihoodResult[]> {
    if (this.mode === 'none') throw chatOnly('loglikelihood');
    return this.all(requests, opts, (r, signal) => (this.mode === 'server' ? this.scoreTokens(r, signal) : this.scoreText(r, signal)));
  }

  async loglikelihoodRolling(requests: RollingLoglikelihoodRequest[], opts: RequestOptions = {}): Promise<RollingLoglikelihoodResult[]> {
    if (this.mode === 'none') throw chatOnly('loglikelihood_rolling');
    return this.all(requests, opts, (r, signal) => this.rolling(r, signal));
  }

  async generateUntil(requests: GenerateRequest[], opts: RequestOptions = {}): Promise<GenerateResult[]> {
    return this.all(requests, opts, (r, signal) => this.generate(r, signal));
  }

  async dispose(): Promise<void> {
    this.tokenCache.clear();
  }

  /** Runs every request concurrently (the semaphore bounds what is in flight); the first failure stops the rest. */
  private async all<R, T>(requests: R[], opts: RequestOptions, fn: (r: R, signal: AbortSignal) => Promise<T>): Promise<T[]> {
    const ctrl = new AbortController();
    const signal = opts.signal ? AbortSignal.any([opts.signal, ctrl.signal]) : ctrl.signal;
    try {
      return await Promise.all(
        requests.map((r) =>
          fn(r, signal).catch((err) => {
            if (!ctrl.signal.aborted) ctrl.abort(err);
            throw err;
          }),
        ),
      );
    } finally {
      this.tokenCache.clear();
    }
  }

  /** Server tokenization: tok(context) and tok(context + continuation) → token-id prompt. */
  private async scoreTokens(r: LoglikelihoodRequest, signal: AbortSignal): Promise<LoglikelihoodResult> {
    const t0 = performance.now();
    const [c, k] = splitTrailingWhitespace(r.context, r.continuation);
    let ctx: number[];
    let cont: number[];
    if (c === '') {
      if (this.prefixToken === null) throw new DomainException(ErrorCode.InvalidInput, `${this.http.rootUrl}/tokenize gives no BOS token to condition an empty context on`);
      ctx = [this.prefixToken];
      cont = await this.tokenize(k, false, signal);
    } else {
      ctx = await this.tokenize(c, true, signal);
      cont = (await this.tokenize(c + k, true, signal)).slice(ctx.length);
    }
    if (cont.length === 0) return { logprob: 0, isGreedy: true, contextTokens: ctx.length, continuationTokens: 0, totalMs: performance.now() - t0 };
    const prefix = this.contextSize > 0 ? Array.from(truncateLeft(Int32Array.from(ctx), Int32Array.from(cont), this.contextSize - 1)) : ctx;
    const prompt = [...prefix, ...cont];
    const answer = await this.echo(prompt, signal);
    const { logprob, isGreedy } = scoreSpan(readEchoLogprobs(answer, this.completionsUrl), prefix.length, prompt.length, this.completionsUrl);
    return { logprob, isGreedy, contextTokens: ctx.length, continuationTokens: cont.length, totalMs: performance.now() - t0 };
  }

  /** No tokenizer: text prompt, continuation tokens found from the end of the echoed prompt's offsets. */
  private async scoreText(r: LoglikelihoodRequest, signal: AbortSignal): Promise<LoglikelihoodResult> {
    const t0 = performance.now();
    const [c, k] = splitTrailingWhitespace(r.context, r.continuation);
    const answer = await this.echo(c + k, signal);
    const lp = readEchoLogprobs(answer, this.completionsUrl);
    const promptTokens = promptTokenCount(answer, lp.tokenLogprobs.length);
    const start = continuationStart(lp, promptTokens, k, this.completionsUrl);
    const { logprob, isGreedy } = scoreSpan(lp, start, promptTokens, this.completionsUrl);
    return { logprob, isGreedy, contextTokens: start, continuationTokens: promptTokens - start, totalMs: performance.now() - t0 };
  }

  private async rolling(r: RollingLoglikelihoodRequest, signal: AbortSignal): Promise<RollingLoglikelihoodResult> {
    const t0 = performance.now();
    if (this.mode === 'offsets') {
      // One window: the server's BOS (if it adds one) conditions the first token.
      const answer = await this.echo(r.text, signal);
      const lp = readEchoLogprobs(answer, this.completionsUrl);
      const n = promptTokenCount(answer, lp.tokenLogprobs.length);
      return { logprob: n > 1 ? scoreSpan(lp, 1, n, this.completionsUrl).logprob : 0, tokens: Math.max(0, n - 1), totalMs: performance.now() - t0 };
    }
    if (this.prefixToken === null) throw new DomainException(ErrorCode.InvalidInput, `${this.http.rootUrl}/tokenize gives no BOS token to start rolling windows with`);
    const tokens = Int32Array.from(await this.tokenize(r.text, false, signal));
    const maxSeqLen = this.contextSize > 0 ? this.contextSize - 2 : tokens.length;
    const windows = rollingWindows(tokens, this.prefixToken, Math.max(1, maxSeqLen));
    const parts = await Promise.all(
      windows.map(async (w) => {
        const prompt = [...w.prefix, ...w.cont];
        const answer = await this.echo(prompt, signal);
        return scoreSpan(readEchoLogprobs(answer, this.completionsUrl), w.prefix.length, prompt.length, this.completionsUrl).logprob;
      }),
    );
    return { logprob: parts.reduce((a, b) => a + b, 0), tokens: tokens.length, totalMs: performance.now() - t0 };
  }

  private async generate(r: GenerateRequest, signal: AbortSignal): Promise<GenerateResult> {
    const chat = this.mode === 'none';
    let prompt: string | number[] = r.context;
    if (this.mode === 'server') {
      const ids = await this.tokenize(r.context, true, signal);
      if (this.contextSize > 0) {
        const room = this.contextSize - r.maxTokens;
        if (room < 1) throw new DomainException(ErrorCode.InvalidInput, `max tokens ${r.maxTokens} leaves no room for the prompt in a context of ${this.contextSize}`);
        prompt = ids.length > room ? ids.slice(ids.length - room) : ids;
      } else prompt = ids;
    }
    const stop = r.until.filter((s) => s.length > 0);
    const body: Record<string, unknown> = {
      model: this.spec.model,
      max_tokens: r.maxTokens,
      temperature: r.temperature,
      stream: true,
      stream_options: { include_usage: true },
      ...(chat ? { messages: [{ role: 'user', content: r.context }] } : { prompt }),
      ...(stop.length ? { stop: stop.slice(0, 4) } : {}),
      ...(r.topP !== undefined ? { top_p: r.topP } : {}),
      ...(r.topK !== undefined ? { top_k: r.topK } : {}),
      ...(r.seed !== undefined ? { seed: r.seed } : {}),
    };
    const url = `${this.http.baseUrl}/${chat ? 'chat/completions' : 'completions'}`;
    let state: StreamState = newStreamState();
    const { ttftMs, totalMs } = await this.http.postStream(
      url,
      body,
      { begin: () => (state = newStreamState()), event: (json) => streamEvent(state, json) },
      signal,
    );
    const cut = cutAtStop(state.text, stop);
    return {
      text: cut.text,
      inputTokens: state.usage?.prompt_tokens ?? (Array.isArray(prompt) ? prompt.length : 0),
      outputTokens: state.usage?.completion_tokens ?? state.chunks,
      finishReason: finishReason(state.finish, cut.stopped),
      ttftMs: ttftMs ?? totalMs,
      totalMs,
    };
  }

  private get completionsUrl(): string {
    return `${this.http.baseUrl}/completions`;
  }

  /** completions with the prompt echoed and scored (lm-eval local-completions' log-likelihood payload). */
  private echo(prompt: string | number[], signal: AbortSignal): Promise<unknown> {
    return this.http.postJson(this.completionsUrl, { model: this.spec.model, prompt, max_tokens: 1, temperature: 0, logprobs: 1, echo: true }, signal);
  }

  private tokenize(text: string, addSpecial: boolean, signal: AbortSignal): Promise<number[]> {
    const key = `${addSpecial ? 1 : 0}:${text}`;
    let p = this.tokenCache.get(key);
    if (!p) {
      p = tokenizeRequest(this.http, this.spec.model, text, addSpecial, signal);
      this.tokenCache.set(key, p);
      p.catch(() => this.tokenCache.delete(key));
    }
    return p;
  }
}

function promptTokenCount(answer: unknown, echoed: number): number {
  const n = (answer as { usage?: { prompt_tokens?: number } })?.usage?.prompt_tokens;
  // lm-eval's [:-1]: the last echoed token is the one generated (max_tokens 1).
  return typeof n === 'number' && n > 0 && n <= echoed ? n : echoed - 1;
}

/** GET /models: the entry of our model (or the only one), null when the server has no such endpoint. */
async function listedModel(http: OpenAiHttp, model: string, signal?: AbortSignal): Promise<ModelEntry | null> {
  let list: { data?: Array<ModelEntry & { aliases?: string[] }> };
  try {
    list = await http.getJson(`${http.baseUrl}/models`, signal);
  } catch (err) {
    if (err instanceof DomainException && (err.code === ErrorCode.NotFound || err.code === ErrorCode.InvalidInput)) return null;
    throw err;
  }
  const data = Array.isArray(list?.data) ? list.data : [];
  return data.find((m) => m.id === model || m.aliases?.includes(model)) ?? (data.length === 1 ? data[0] : null);
}

/**
 * POST <root>/tokenize in both dialects at once: llama.cpp ({content, add_special}) and vLLM/SGLang
 * ({model, prompt, add_special_tokens}); answers {tokens: number[] | {id}[]}.
 */
async function tokenizeRequest(http: OpenAiHttp, model: string, text: string, addSpecial: boolean, signal?: AbortSignal): Promise<number[]> {
  const url = `${http.rootUrl}/tokenize`;
  const answer = await http.postJson<{ tokens?: Array<number | { id: number }> }>(
    url,
    { model, content: text, prompt: text, add_special: addSpecial, add_special_tokens: addSpecial },
    signal,
  );
  if (!Array.isArray(answer?.tokens)) throw new DomainException(ErrorCode.InvalidInput, `${url} answered without a tokens list`);
  return answer.tokens.map((t) => (typeof t === 'number' ? t : t.id));
}

/** Tokens of "" with special tokens (the BOS, if any) when /tokenize works; null when the server has none. */
async function tokenizeProbe(http: OpenAiHttp, model: string, signal?: AbortSignal): Promise<number[] | null> {
  try {
    return await tokenizeRequest(http, model, '', true, signal);
  } catch (err) {
    if (err instanceof DomainException && err.code !== ErrorCode.Transient && err.code !== ErrorCode.Cancelled && err.code !== ErrorCode.Unauthorized) return null;
    throw err;
  }
}
