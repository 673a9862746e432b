/**
 * Typed interface and loader of densebench's native llama.cpp addon
 * (libs/inference/native, built by `npm run build:native`).
 *
 * The addon links node-llama-cpp's prebuilt llama.cpp shared libraries. It gives exact float64
 * log-likelihoods over the full vocabulary with prefix sharing, and batched generation, with all
 * heavy work off the JS thread. This module never imports node-llama-cpp (ESM-only).
 */
import * as fs from 'fs';
import * as path from 'path';

export const NATIVE_ADDON_FILE = 'densebench_llama.node';
const ADDON_RELATIVE = path.join('libs', 'inference', 'native', 'build', 'Release', NATIVE_ADDON_FILE);

export interface NativeDevice {
  name: string;
  description: string;
  type: 'cpu' | 'gpu' | 'igpu' | 'accel';
}

export interface NativeLoadModelOptions {
  /** Layers to offload to the GPU; default: llama.cpp's default (all, when a GPU backend is loaded). */
  gpuLayers?: number;
  /** true: mmap the file; false: read it; default: llama.cpp decides. */
  useMmap?: boolean;
  /** ggml backends directory, used only if no backend is loaded yet (the loader already loads one). */
  binsDir?: string;
}

export interface NativeModelInfo {
  nParams: number;
  nCtxTrain: number;
  nVocab: number;
  nLayer: number;
  nEmbd: number;
  bos: number;
  eos: number;
  addBos: boolean;
  addEos: boolean;
  description: string;
  sizeBytes: number;
  /** general.architecture metadata, e.g. "llama". */
  architecture: string;
  name: string;
  path: string;
}

export interface NativeContextOptions {
  /** Positions per sequence (prefix + continuation, or prompt + generated). Default min(nCtxTrain, 4096). */
  contextSize?: number;
  /** Max tokens per llama_decode call. Default min(contextSize * sequences, 2048). */
  batchSize?: number;
  /** Physical batch size. Default min(batchSize, 512). */
  ubatchSize?: number;
  /** Parallel sequences (continuations scored at once / prompts generated at once). Default 1. */
  sequences?: number;
  /** CPU threads. Default: hardware concurrency. */
  threads?: number;
  /**
   * One KV buffer for all sequences; needed to share a prefix between continuations. Default true.
   * Use false for one-continuation work (perplexity, rolling log-likelihood): faster, as llama-perplexity does.
   */
  unifiedKv?: boolean;
  /** Force flash attention on/off; default: llama.cpp's auto. */
  flashAttention?: boolean;
  /**
   * KV cache precision. 'f16' (default) is what llama.cpp uses; 'f32' with flashAttention: false
   * keeps the whole forward pass in float32 (log-probs within ~1e-5 of a float64 forward pass).
   */
  kvCacheType?: 'f16' | 'f32';
}

export interface NativeContextInfo {
  contextSize: number;
  sequences: number;
  batchSize: number;
  ubatchSize: number;
  threads: number;
  unifiedKv: boolean;
  kvCells: number;
}

export interface ScoreGroup {
  /** Context tokens, non-empty (start with BOS when the model wants one). */
  prefix: Int32Array;
  /** Continuations scored given the prefix; the prefix is decoded once for all of them. */
  continuations: Int32Array[];
}

export interface ContinuationScore {
  /** Natural-log probability of cont[j] given prefix + cont[0..j-1] (float64 log-softmax over the full vocabulary). */
  logprobs: Float64Array;
  /** 1 where cont[j] is the argmax (first maximal logit), else 0. */
  greedy: Uint8Array;
}

export interface ScoreResponse {
  /** results[g][c]: group g, continuation c. */
  results: ContinuationScore[][];
  /** Tokens submitted to llama_decode (shows the prefix reuse). */
  decodedTokens: number;
  /** Positions whose logits were computed. */
  outputs: number;
  decodeCalls: number;
  /** KV-cache fills. */
  waves: number;
  /** Prefix shared by every group of the call, kept in the KV cache for all of them (and the next calls). */
  pinnedTokens: number;
  /** Of those, tokens an earlier call had left in the cache (not decoded again). */
  reusedTokens: number;
  timeMs: number;
}

export type FinishReason = 'eog' | 'stop' | 'length' | 'context';

export interface GenerateRequest {
  prompt: Int32Array;
  maxTokens: number;
  /** 0 (default) = greedy. */
  temperature?: number;
  topP?: number;
  /** <= 0 disables top-k. */
  topK?: number;
  seed?: number;
  /** Generation stops when the generated text contains one of these; the text is cut before it. */
  stop?: string[];
  /**
   * Continuations scored given the prompt, from the same decoded prompt (e.g. the conditional loss of
   * the gold answer): prompt + continuation - 1 must fit the context. maxTokens 0 scores only.
   */
  score?: Int32Array[];
  /**
   * The scored continuations follow the first scoreFrom prompt tokens (default: the whole prompt): the
   * prompt is decoded up to there, the continuations scored, then the rest of the prompt decoded.
   */
  scoreFrom?: number;
}

export interface GenerateResult {
  /** Generated tokens (a final end-of-generation token is not included). */
  tokens: Int32Array;
  /** Concatenated token pieces (no leading-space removal), cut before the first stop string. */
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  /** Prompt tokens found in the context's KV cache (left by an earlier request), not decoded again. */
  reusedTokens: number;
  /** One per GenerateRequest.score entry. */
  scores: ContinuationScore[];
  ttftMs: number;
  totalMs: number;
}

export interface GenerateResponse {
  results: GenerateResult[];
  decodedTokens: number;
  decodeCalls: number;
  /** Prompt tokens taken from the KV cache instead of decoded. */
  reusedTokens: number;
  /** Sequences that took another sequence's cached prefix (a KV copy). */
  cacheCopies: number;
  timeMs: number;
}

export interface NativeContext {
  readonly disposed: boolean;
  info(): NativeContextInfo;
  score(groups: ScoreGroup[]): Promise<ScoreResponse>;
  /**
   * Continuous batching over the context's sequences; each sequence keeps its tokens in the KV cache
   * for later prompts sharing a prefix. onResult(i, result) is called as request i finishes.
   */
  generate(requests: GenerateRequest[], onResult?: (index: number, result: GenerateResult) => void): Promise<GenerateResponse>;
  /** Debug: all logits (tokens.length x nVocab, row-major) of one sequence. */
  evalLogits(tokens: Int32Array): Promise<Float32Array>;
  /** Frees the context once its queued jobs finish; later calls throw (code ERR_DISPOSED). */
  dispose(): void;
}

export interface NativeModel {
  readonly disposed: boolean;
  info(): NativeModelInfo;
  tokenize(text: string, addSpecial?: boolean, parseSpecial?: boolean): Int32Array;
  detokenize(tokens: Int32Array, removeSpecial?: boolean, unparseSpecial?: boolean): string;
  tokenToPiece(token: number, special?: boolean): string;
  createContext(options?: NativeContextOptions): NativeContext;
  /** Frees the model once no context uses it; later calls throw (code ERR_DISPOSED). */
  dispose(): void;
}

export interface NativeLlamaAddon {
  /** Loads the ggml backends of binsDir unless a backend is already loaded in this process. */
  init(binsDir?: string): boolean;
  loadModel(modelPath: string, options?: NativeLoadModelOptions): Promise<NativeModel>;
  devices(): NativeDevice[];
  systemInfo(): string;
  readonly llamaVersion: string;
}

export class NativeAddonMissingError extends Error {
  constructor(searched: string[]) {
    super(
      `The densebench llama.cpp native addon is not built (looked for ${searched.join(', ')}). ` +
        'Run `npm run build:native` (needs g++, make and python3).',
    );
    this.name = 'NativeAddonMissingError';
  }
}

function walkUp(start: string, relative: string): string[] {
  const out: string[] = [];
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    out.push(path.join(dir, relative));
    if (path.dirname(dir) === dir) return out;
  }
}

/** Candidate locations of the compiled addon, most specific first. */
export function nativeAddonCandidates(): string[] {
  const env = process.env.DENSEBENCH_NATIVE_ADDON;
  const fromHere = walkUp(__dirname, ADDON_RELATIVE);
  const fromCwd = walkUp(process.cwd(), ADDON_RELATIVE);
  return [...(env ? [path.resolve(env)] : []), ...new Set([...fromHere, ...fromCwd])];
}

function platformName(): string {
  const platform = process.platform === 'darwin' ? 'mac' : process.platform === 'win32' ? 'win' : process.platform;
  const suffix = process.platform === 'darwin' && process.arch === 'arm64' ? '-metal' : '';
  return `${platform}-${process.arch}${suffix}`;
}

/** node-llama-cpp's prebuilt CPU bins directory (node_modules/@node-llama-cpp/<platform>/bins/<platform>). */
export function defaultBinsDir(): string | undefined {
  const name = platformName();
  const relative = path.join('node_modules', '@node-llama-cpp', name, 'bins', name);
  return [...walkUp(__dirname, relative), ...walkUp(process.cwd(), relative)].find((d) => fs.existsSync(d));
}

const loaded = new Map<string, NativeLlamaAddon>();

/**
 * Loads the addon (once per file) and its ggml backends. binsDir defaults to the CPU prebuilt
 * package. For a GPU pass that package's bins dir (e.g. .../@node-llama-cpp/linux-x64-cuda/bins/
 * linux-x64-cuda): the addon keeps its CPU-package libllama/libggml (the GPU packages use other
 * sonames) and loads libggml-cuda.so / libggml-vulkan.so from there, which only need
 * libggml-base.so (identical in every package). Only the first binsDir of a process counts.
 */
export function loadNativeLlama(options: { binsDir?: string; addonPath?: string } = {}): NativeLlamaAddon {
  const candidates = options.addonPath ? [path.resolve(options.addonPath)] : nativeAddonCandidates();
  const file = candidates.find((c) => fs.existsSync(c));
  if (!file) throw new NativeAddonMissingError(candidates.slice(0, 3));
  const cached = loaded.get(file);
  if (cached) return cached;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require(file) as NativeLlamaAddon;
  addon.init(options.binsDir ?? defaultBinsDir());
  loaded.set(file, addon);
  return addon;
}
