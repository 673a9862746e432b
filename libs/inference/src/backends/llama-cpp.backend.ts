import {
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  RequestOptions,
  RollingLoglikelihoodRequest,
  RollingLoglikelihoodResult,
} from '@app/contracts';
import { BackendInfo, InferenceBackend } from '../backend.interface';
import { loadNativeLlama, NativeContext, NativeModel, ScoreGroup } from '../llama-cpp/native-binding';
import { decodeCost, groupByContext } from './context-groups';
import { Tokenizer } from './lm-eval-encoding';
import { rollingWindows } from './rolling-windows';

export interface LlamaCppOptions {
  contextSize?: number;
  /** Parallel sequences: continuations scored at once, prompts generated at once. */
  sequences?: number;
  batchSize?: number;
  threads?: number;
  gpuLayers?: number;
}

/** Groups scored per native call; between calls the backend checks for cancellation. */
const GROUPS_PER_CALL = 256;

/**
 * GGUF models in-process through densebench's native llama.cpp addon (node-llama-cpp's prebuilt
 * libraries): exact float64 log-likelihoods with prefix reuse, rolling log-likelihoods and batched
 * generation.
 */
export class LlamaCppBackend implements InferenceBackend {
  private readonly tok: Tokenizer;
  private readonly counters = { decodedTokens: 0, scoredGroups: 0, decodeCalls: 0 };

  private constructor(
    readonly info: BackendInfo,
    private readonly model: NativeModel,
    private readonly ctx: NativeContext,
    private readonly contextSize: number,
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
    const ctx = model.createContext({ contextSize, sequences: opts.sequences ?? 8, batchSize: opts.batchSize, threads: opts.threads });
    const ci = ctx.info();
    const gpus = addon.devices().filter((d) => d.type !== 'cpu');
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
        systemInfo: addon.systemInfo(),
      },
    };
    return new LlamaCppBackend(info, model, ctx, ci.contextSize);
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
    throwIfAborted(opts.signal);
    const native = requests.map((r) => {
      const prompt = this.tok.tokenize(r.context, true);
      const room = this.contextSize - r.maxTokens;
      if (room < 1) throw new Error(`max tokens ${r.maxTokens} leaves no room for the prompt in a context of ${this.contextSize}`);
      return {
        prompt: prompt.length > room ? prompt.slice(prompt.length - room) : prompt,
        maxTokens: r.maxTokens,
        temperature: r.temperature,
        topP: r.topP,
        topK: r.topK,
        seed: r.seed,
        stop: r.until,
      };
    });
    const res = await this.ctx.generate(native);
    return res.results.map((g) => ({
      text: g.text,
      inputTokens: g.promptTokens,
      outputTokens: g.tokens.length,
      finishReason: g.finishReason,
      ttftMs: g.ttftMs,
      totalMs: g.totalMs,
    }));
  }

  /** Work done by scoring so far (tokens sent to llama_decode, groups, decode calls): shows the prefix reuse. */
  stats(): { decodedTokens: number; scoredGroups: number; decodeCalls: number } {
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
      this.counters.scoredGroups += res.results.length;
      out.push(...res.results);
    }
    return out;
  }

  async dispose(): Promise<void> {
    this.ctx.dispose();
    this.model.dispose();
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(`aborted: ${String(signal?.reason)}`);
}
