import {
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  RequestOptions,
  RollingLoglikelihoodRequest,
  RollingLoglikelihoodResult,
} from '@app/contracts';
import { BackendInfo, BatchAnswers, InferenceBackend, RequestBatch } from '../backend.interface';
import {
  GenerateResult as NativeGenerateResult,
  loadNativeLlama,
  NativeContext,
  NativeContextOptions,
  NativeModel,
  ScoreGroup,
} from '../llama-cpp/native-binding';
import { decodeCost, groupByContext } from './context-groups';
import { planGeneration } from './generation-plan';
import { Tokenizer } from './lm-eval-encoding';
import { rollingWindows } from './rolling-windows';

export interface LlamaCppOptions {
  contextSize?: number;
  /** Parallel sequences: continuations scored at once, prompts generated at once (default 8). */
  sequences?: number;
  batchSize?: number;
  threads?: number;
  gpuLayers?: number;
}

export interface LlamaCppStats {
  decodedTokens: number;
  scoredGroups: number;
  decodeCalls: number;
  pinnedReusedTokens: number;
  generatedDecodedTokens: number;
  reusedPromptTokens: number;
}

/** Log-likelihood requests of a batch scored per loglikelihood() call (answerBatch). */
const REQUESTS_PER_SLICE = 512;

/** Groups scored per native call; between calls the backend checks for cancellation. */
const GROUPS_PER_CALL = 256;

/**
 * GGUF models in-process through densebench's native llama.cpp addon (node-llama-cpp's prebuilt
 * libraries): exact float64 log-likelihoods with prefix reuse, rolling log-likelihoods and batched
 * generation.
 */
export class LlamaCppBackend implements InferenceBackend {
  private readonly tok: Tokenizer;
  private readonly counters = { decodedTokens: 0, scoredGroups: 0, decodeCalls: 0, generatedDecodedTokens: 0, reusedPromptTokens: 0, pinnedReusedTokens: 0 };
  private genCtx?: NativeContext;

  private constructor(
    readonly info: BackendInfo,
    private readonly model: NativeModel,
    /** Scoring: unified KV (a prefix's cells shared by its continuations), flash attention as llama.cpp's default. */
    private readonly ctx: NativeContext,
    private readonly contextSize: number,
    /** Generation: per-sequence KV (a token attends only to its own sequence's cells); flash attention off on the CPU. */
    private readonly genOptions: NativeContextOptions,
  ) {
    const m = model.info();
    this.tok = {
      prefixToken: m.addBos || m.bos >= 0 ? m.bos : m.eos,
      tokenize: (text, addSpecial) => model.tokenize(text, addSpecial, false),
    };
  }

  static async load(file: { path: string; sha256: string }, opts: LlamaCppOptions = {}): Promise<LlamaCppBackend> {
    const addon = loadNativeLlama();
    const model = await addon.loadModel(file.path, { gpuLayers: opts.gpuLayers });
    const m = model.info();
    const contextSize = Math.min(opts.contextSize ?? 4096, m.nCtxTrain);
    const sequences = opts.sequences ?? 8;
    const ctx = model.createContext({ contextSize, sequences, batchSize: opts.batchSize, threads: opts.threads });
    const ci = ctx.info();
    const gpus = addon.devices().filter((d) => d.type !== 'cpu');
    // On the CPU flash attention is 2.6-3.5x slower at depth for generation (issue 13); elsewhere llama.cpp decides.
    const genOptions: NativeContextOptions = {
      contextSize,
      sequences,
      batchSize: opts.batchSize,
      threads: opts.threads,
      unifiedKv: false,
      ...(gpus.length ? {} : { flashAttention: false }),
    };
    const info: BackendInfo = {
      kind: 'llama-cpp',
      modelIdentity: `sha256:${file.sha256}`,
      engine: 'llama.cpp',
      engineVersion: addon.llamaVersion,
      device: gpus.length ? gpus.map((g) => g.description).join(', ') : 'cpu',
      contextSize: ci.contextSize,
      batchSize: ci.batchSize,
      details: {
        architecture: m.architecture,
        description: m.description,
        nParams: m.nParams,
        nVocab: m.nVocab,
        addBos: m.addBos,
        sequences: ci.sequences,
        threads: ci.threads,
        scoring: { unifiedKv: ci.unifiedKv, flashAttention: 'auto' },
        generation: { unifiedKv: false, flashAttention: genOptions.flashAttention ?? 'auto', sequences },
        systemInfo: addon.systemInfo(),
      },
    };
    return new LlamaCppBackend(info, model, ctx, ci.contextSize, genOptions);
  }

  async loglikelihood(requests: LoglikelihoodRequest[], opts: RequestOptions = {}): Promise<LoglikelihoodResult[]> {
    // Requests sharing a context become one group: the context is decoded once for all continuations.
    const { groups, where } = groupByContext(this.tok, requests, this.contextSize);
    const scores = await this.scoreAll(groups, opts);
    return where.map(({ g, c, contextTokens }) => {
      const s = scores[g][c];
      let logprob = 0;
      let isGreedy = true;
      for (let j = 0; j < s.logprobs.length; j++) {
        logprob += s.logprobs[j];
        if (s.greedy[j] !== 1) isGreedy = false;
      }
      return { logprob, isGreedy, contextTokens, continuationTokens: s.logprobs.length };
    });
  }

  async loglikelihoodRolling(requests: RollingLoglikelihoodRequest[], opts: RequestOptions = {}): Promise<RollingLoglikelihoodResult[]> {
    const groups: ScoreGroup[] = [];
    const owner: number[] = [];
    requests.forEach((r, i) => {
      for (const w of rollingWindows(this.tok.tokenize(r.text, false), this.tok.prefixToken, this.contextSize - 1)) {
        groups.push({ prefix: w.prefix, continuations: [w.cont] });
        owner.push(i);
      }
    });
    const scores = await this.scoreAll(groups, opts);
    const out = requests.map(() => ({ logprob: 0, tokens: 0 }));
    scores.forEach((s, k) => {
      const lp = s[0].logprobs;
      for (let j = 0; j < lp.length; j++) out[owner[k]].logprob += lp[j];
      out[owner[k]].tokens += lp.length;
    });
    return out;
  }

  async generateUntil(requests: GenerateRequest[], opts: RequestOptions = {}): Promise<GenerateResult[]> {
    return (await this.answerBatch({ loglikelihood: [], rolling: [], generate: requests }, opts)).generate;
  }

  /**
   * A batch at once: log-likelihood requests of a generation's context (its conditional loss) are
   * scored from the generation's decoded prompt; the others go to the scoring context first.
   */
  async answerBatch(batch: RequestBatch, opts: RequestOptions = {}): Promise<BatchAnswers> {
    throwIfAborted(opts.signal);
    const plan = planGeneration(this.tok, batch.generate, batch.loglikelihood, this.contextSize);
    const loglikelihood: LoglikelihoodResult[] = new Array(batch.loglikelihood.length);
    // in slices, so progress moves and cancellation is seen while a shard is scored (a task's shared
    // prefix stays in the scoring context's cache from one slice to the next)
    for (let a = 0; a < plan.rest.length; a += REQUESTS_PER_SLICE) {
      const idx = plan.rest.slice(a, a + REQUESTS_PER_SLICE);
      const res = await this.loglikelihood(idx.map((i) => batch.loglikelihood[i]), { signal: opts.signal });
      idx.forEach((i, k) => {
        loglikelihood[i] = res[k];
        opts.onAnswer?.('loglikelihood', i, res[k]);
      });
    }
    const rolling = batch.rolling.length ? await this.loglikelihoodRolling(batch.rolling, { signal: opts.signal }) : [];
    rolling.forEach((r, i) => opts.onAnswer?.('loglikelihood_rolling', i, r));
    const foldedBy: number[][] = batch.generate.map(() => []);
    for (const [i, f] of plan.folded) foldedBy[f.g][f.k] = i;
    const generate: GenerateResult[] = new Array(batch.generate.length);
    if (plan.native.length) {
      throwIfAborted(opts.signal);
      this.genCtx ??= this.model.createContext(this.genOptions);
      const fill = (g: number, r: NativeGenerateResult) => {
        if (generate[g]) return; // reported as it finished, then again in the final answer
        generate[g] = {
          text: r.text,
          inputTokens: r.promptTokens,
          outputTokens: r.tokens.length,
          finishReason: r.finishReason,
          ttftMs: r.ttftMs,
          totalMs: r.totalMs,
        };
        foldedBy[g].forEach((i, k) => {
          const s = r.scores[k];
          loglikelihood[i] = {
            logprob: s.logprobs.reduce((a, b) => a + b, 0),
            isGreedy: s.greedy.every((x) => x === 1),
            contextTokens: plan.folded.get(i)!.contextTokens,
            continuationTokens: s.logprobs.length,
          };
          opts.onAnswer?.('loglikelihood', i, loglikelihood[i]);
        });
        opts.onAnswer?.('generate_until', g, generate[g]);
      };
      // onResult calls may still be queued when the promise settles: the final results fill the rest
      const res = await this.genCtx.generate(plan.native, fill);
      res.results.forEach((r, g) => fill(g, r));
      this.counters.generatedDecodedTokens += res.decodedTokens;
      this.counters.reusedPromptTokens += res.reusedTokens;
    }
    return { loglikelihood, rolling, generate };
  }

  /**
   * Work done so far: scoring's tokens sent to llama_decode, groups, decode calls and pinned-prefix
   * tokens found cached; generation's decoded tokens and prompt tokens found cached. Shows the prefix reuse.
   */
  stats(): LlamaCppStats {
    return { ...this.counters };
  }

  /** What scoring these requests must decode at least, and what it would decode without sharing contexts. */
  decodeCost(requests: LoglikelihoodRequest[]): { minimum: number; naive: number } {
    return decodeCost(groupByContext(this.tok, requests, this.contextSize).groups);
  }

  /** Tokens a text takes (for accounting and truncation decisions by callers). */
  countTokens(text: string): number {
    return this.tok.tokenize(text, false).length;
  }

  private async scoreAll(groups: ScoreGroup[], opts: RequestOptions) {
    const out = [];
    for (let i = 0; i < groups.length; i += GROUPS_PER_CALL) {
      throwIfAborted(opts.signal);
      const res = await this.ctx.score(groups.slice(i, i + GROUPS_PER_CALL));
      this.counters.decodedTokens += res.decodedTokens;
      this.counters.decodeCalls += res.decodeCalls;
      this.counters.pinnedReusedTokens += res.reusedTokens;
      this.counters.scoredGroups += res.results.length;
      out.push(...res.results);
    }
    return out;
  }

  async dispose(): Promise<void> {
    this.genCtx?.dispose();
    this.ctx.dispose();
    this.model.dispose();
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(`aborted: ${String(signal?.reason)}`);
}
