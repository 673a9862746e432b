/**
 * A small OpenAI-compatible HTTP server for tests, answering from a real GGUF model through
 * densebench's native llama.cpp addon: /v1/completions (echo + logprobs for prompt scoring,
 * streaming, stop sequences, seeds), /v1/chat/completions (streaming), /tokenize (llama.cpp and
 * vLLM dialects), /v1/models. Tests can make the next N requests fail (429 with Retry-After, 500, …)
 * or be slow, and read how many requests were in flight at once.
 *
 * Not part of any app or of the build: tests start it (OpenAiTestServer.start) in their own process.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadNativeLlama, type NativeContext, type NativeModel } from '@app/inference';
import { emptyStats, type Fault, HttpError, json, type OpenAiTestServerOptions, readJson, sendStream, type TestServerStats } from './openai-test-http';

export class OpenAiTestServer {
  stats: TestServerStats = emptyStats();
  private faults: Fault[] = [];
  private readonly modelName: string;

  private constructor(
    private readonly server: Server,
    private readonly model: NativeModel,
    private readonly ctx: NativeContext,
    private readonly contextSize: number,
    private readonly opts: OpenAiTestServerOptions,
  ) {
    this.modelName = opts.modelName ?? 'test-model';
  }

  static async start(opts: OpenAiTestServerOptions): Promise<OpenAiTestServer> {
    const model = await loadNativeLlama().loadModel(opts.modelPath);
    const contextSize = Math.min(opts.contextSize ?? 2048, model.info().nCtxTrain);
    const ctx = model.createContext({ contextSize, sequences: opts.sequences ?? 4, threads: opts.threads });
    const server = createServer();
    const self = new OpenAiTestServer(server, model, ctx, contextSize, opts);
    server.on('request', (req, res) => void self.handle(req, res));
    await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
    return self;
  }

  /** http://127.0.0.1:<port> (the server root: /tokenize lives here). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The OpenAI base URL: <url>/v1. */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  get name(): string {
    return this.modelName;
  }

  /** The next `count` matching requests fail with `status` (and Retry-After when given). */
  failNext(count: number, status: number, opts: { retryAfter?: number; paths?: string[] } = {}): void {
    this.faults.push({ count, status, ...opts });
  }

  /** The next `count` matching requests are served after `delayMs`. */
  delayNext(count: number, delayMs: number, opts: { paths?: string[] } = {}): void {
    this.faults.push({ count, delayMs, ...opts });
  }

  clearFaults(): void {
    this.faults = [];
  }

  resetStats(): void {
    const inFlight = this.stats.inFlight;
    this.stats = { ...emptyStats(), inFlight, maxInFlight: inFlight };
  }

  private readonly timers = new Set<NodeJS.Timeout>();

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.ctx.dispose();
    this.model.dispose();
  }

  private takeFault(path: string): Fault | null {
    const f = this.faults.find((x) => x.count > 0 && (!x.paths || x.paths.includes(path)));
    if (!f) return null;
    f.count--;
    this.faults = this.faults.filter((x) => x.count > 0);
    return { ...f };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/_control') return this.control(req, res);
    this.stats.total++;
    this.stats.byPath[path] = (this.stats.byPath[path] ?? 0) + 1;
    this.stats.inFlight++;
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.stats.inFlight);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        this.stats.inFlight--;
      }
    };
    res.on('close', finish);
    res.on('finish', finish);
    try {
      if (this.opts.apiKey && req.headers.authorization !== `Bearer ${this.opts.apiKey}`) {
        this.stats.unauthorized++;
        throw new HttpError(401, 'invalid or missing API key');
      }
      const fault = this.takeFault(path);
      if (fault?.delayMs) await this.sleep(fault.delayMs);
      if (fault?.status) {
        this.stats.faulted++;
        if (fault.retryAfter !== undefined) res.setHeader('retry-after', String(fault.retryAfter));
        throw new HttpError(fault.status, `injected failure (${fault.status})`);
      }
      const body = req.method === 'POST' ? await readJson(req) : {};
      if (req.method === 'GET' && path === '/v1/models') return json(res, 200, this.models());
      if (req.method !== 'POST') throw new HttpError(404, `no route ${req.method} ${path}`);
      switch (path) {
        case '/tokenize':
          return json(res, 200, this.tokenize(body));
        case '/v1/completions':
          return await this.completions(body, res);
        case '/v1/chat/completions':
          return await this.chat(body, res);
        default:
          throw new HttpError(404, `no route POST ${path}`);
      }
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) json(res, status, { error: { message: (err as Error).message, type: status === 429 ? 'rate_limit' : 'error', code: status } });
      else res.end();
    }
  }

  private async control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readJson(req)) as { fail?: Fault; delay?: Fault; reset?: boolean };
    if (body.reset) {
      this.clearFaults();
      this.resetStats();
    }
    if (body.fail) this.failNext(body.fail.count, body.fail.status ?? 500, body.fail);
    if (body.delay) this.delayNext(body.delay.count, body.delay.delayMs ?? 1000, body.delay);
    json(res, 200, { stats: this.stats, faults: this.faults });
  }

  private models() {
    const m = this.model.info();
    return {
      object: 'list',
      data: [
        {
          id: this.modelName,
          object: 'model',
          created: 0,
          owned_by: 'densebench-test-server',
          max_model_len: this.contextSize,
          meta: { n_ctx: this.contextSize, n_ctx_train: m.nCtxTrain, n_vocab: m.nVocab, n_params: m.nParams },
        },
      ],
    };
  }

  private checkModel(body: Record<string, unknown>): void {
    if (body.model !== undefined && body.model !== this.modelName) throw new HttpError(404, `model "${String(body.model)}" not found (this server has "${this.modelName}")`);
  }

  private tokenize(body: Record<string, unknown>) {
    const text = (body.content ?? body.prompt) as unknown;
    if (typeof text !== 'string') throw new HttpError(400, 'tokenize needs "content" (or "prompt") as a string');
    const addSpecial = Boolean(body.add_special ?? body.add_special_tokens ?? false);
    return { tokens: Array.from(this.model.tokenize(text, addSpecial, false)) };
  }

  private promptTokens(prompt: unknown): Int32Array {
    let p = prompt;
    if (Array.isArray(p) && p.length === 1 && (typeof p[0] === 'string' || Array.isArray(p[0]))) p = p[0];
    if (typeof p === 'string') return this.model.tokenize(p, true, false);
    if (Array.isArray(p) && p.every((t) => Number.isInteger(t))) return Int32Array.from(p as number[]);
    throw new HttpError(400, 'prompt must be one string or one list of token ids');
  }

  private async completions(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    this.checkModel(body);
    const prompt = this.promptTokens(body.prompt);
    if (prompt.length === 0) throw new HttpError(400, 'empty prompt');
    const maxTokens = body.max_tokens === undefined ? 16 : Number(body.max_tokens);
    const gen = maxTokens > 0 ? await this.generate(prompt, maxTokens, body) : null;
    const generated = gen?.tokens ?? new Int32Array(0);
    const choice: Record<string, unknown> = { index: 0, text: gen?.text ?? '', logprobs: null, finish_reason: gen?.finishReason === 'length' ? 'length' : 'stop' };
    if (body.echo) choice.text = this.model.detokenize(prompt, false, false) + (gen?.text ?? '');
    if (body.logprobs !== undefined && body.logprobs !== null && body.echo) {
      choice.logprobs = await this.echoLogprobs(Int32Array.from([...prompt, ...generated]));
    }
    const usage = { prompt_tokens: prompt.length, completion_tokens: generated.length, total_tokens: prompt.length + generated.length };
    if (body.stream) return sendStream(res, this.modelName, body, gen?.pieces ?? [], choice.finish_reason as string, usage, false);
    json(res, 200, { id: 'cmpl-test', object: 'text_completion', created: 0, model: this.modelName, choices: [choice], usage });
  }

  private async chat(body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    this.checkModel(body);
    const messages = body.messages as Array<{ content?: unknown }> | undefined;
    if (!Array.isArray(messages) || messages.length === 0) throw new HttpError(400, 'messages must be a non-empty list');
    // A template-free "chat format" for a base model: the messages' contents, one per line.
    const prompt = this.model.tokenize(messages.map((m) => String(m.content ?? '')).join('\n'), true, false);
    const maxTokens = Number(body.max_tokens ?? body.max_completion_tokens ?? 16);
    const gen = await this.generate(prompt, maxTokens, body);
    const finish = gen.finishReason === 'length' ? 'length' : 'stop';
    const usage = { prompt_tokens: prompt.length, completion_tokens: gen.tokens.length, total_tokens: prompt.length + gen.tokens.length };
    if (body.stream) return sendStream(res, this.modelName, body, gen.pieces, finish, usage, true);
    json(res, 200, {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 0,
      model: this.modelName,
      choices: [{ index: 0, message: { role: 'assistant', content: gen.text }, finish_reason: finish }],
      usage,
    });
  }

  private async generate(prompt: Int32Array, maxTokens: number, body: Record<string, unknown>) {
    const stop = typeof body.stop === 'string' ? [body.stop] : Array.isArray(body.stop) ? (body.stop as string[]) : [];
    const temperature = body.temperature === undefined ? 1 : Number(body.temperature);
    if (prompt.length + maxTokens > this.contextSize) throw new HttpError(400, `prompt (${prompt.length}) + max_tokens (${maxTokens}) exceed the context (${this.contextSize})`);
    const { results } = await this.ctx.generate([
      {
        prompt,
        maxTokens,
        temperature,
        topP: body.top_p === undefined ? undefined : Number(body.top_p),
        topK: body.top_k === undefined ? undefined : Number(body.top_k),
        seed: body.seed === undefined ? undefined : Number(body.seed),
        stop,
      },
    ]);
    const g = results[0];
    // Stream pieces: the tokens' texts, cut where the (stop-cut) text ends.
    const pieces: string[] = [];
    let emitted = 0;
    for (const t of g.tokens) {
      if (emitted >= g.text.length) break;
      const piece = this.model.tokenToPiece(t, false);
      const take = piece.slice(0, g.text.length - emitted);
      if (take) pieces.push(take);
      emitted += take.length;
    }
    const whole = pieces.join('') === g.text ? pieces : g.text ? [g.text] : [];
    return { ...g, pieces: whole };
  }

  /**
   * OpenAI legacy logprobs of a whole sequence: token_logprobs from context.score (float64
   * log-softmax), top_logprobs = the best token at each position (from the logits when the token
   * itself is not the argmax), text_offset = cumulative lengths of the token texts.
   */
  private async echoLogprobs(tokens: Int32Array) {
    const { logprobs, greedy } =
      tokens.length > 1
        ? (await this.ctx.score([{ prefix: tokens.slice(0, 1), continuations: [tokens.slice(1)] }])).results[0][0]
        : { logprobs: new Float64Array(0), greedy: new Uint8Array(0) };
    const needArgmax = greedy.some((g) => g !== 1);
    const logits = needArgmax ? await this.ctx.evalLogits(tokens) : null;
    const nVocab = this.model.info().nVocab;
    const texts = Array.from(tokens, (t) => this.model.tokenToPiece(t, false));
    const tokenLogprobs: Array<number | null> = [null];
    const top: Array<Record<string, number> | null> = [null];
    for (let j = 1; j < tokens.length; j++) {
      const lp = logprobs[j - 1];
      tokenLogprobs.push(lp);
      if (greedy[j - 1] === 1 || !logits) {
        top.push({ [texts[j]]: lp });
        continue;
      }
      const row = logits.subarray((j - 1) * nVocab, j * nVocab);
      let best = 0;
      for (let v = 1; v < nVocab; v++) if (row[v] > row[best]) best = v;
      let sum = 0;
      for (let v = 0; v < nVocab; v++) sum += Math.exp(row[v] - row[best]);
      top.push({ [this.model.tokenToPiece(best, false)]: -Math.log(sum) });
    }
    const textOffset: number[] = [];
    let at = 0;
    for (const t of texts) {
      textOffset.push(at);
      at += [...t].length;
    }
    return { tokens: texts, token_logprobs: tokenLogprobs, top_logprobs: top, text_offset: textOffset };
  }

}

export type { Fault, OpenAiTestServerOptions, TestServerStats } from './openai-test-http';
