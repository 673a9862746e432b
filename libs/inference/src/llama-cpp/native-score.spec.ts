// Exactness of Context.score: independent float64 log-softmax, re-splitting, batching and prefix reuse.
import * as fs from 'fs';
import * as path from 'path';
import { decodeCost } from '../backends/context-groups';
import { jsLogSoftmaxRow, randomGroups } from './__tests__/fixtures';
import { logProb, readGguf, referenceLogits } from './__tests__/reference-llama';
import { loadNativeLlama, NativeContext, NativeModel, ScoreGroup, ScoreResponse } from './native-binding';
import { DATA_DIR, MODELS_DIR } from '@app/testing/paths';

const STORIES = path.join(MODELS_DIR, 'stories260K.gguf');
const TEXT = path.join(DATA_DIR, 'tinystories', 'tinystories_val_first1000.txt');

const flat = (r: ScoreResponse) => r.results.flatMap((g) => g.flatMap((c) => Array.from(c.logprobs)));
const flatGreedy = (r: ScoreResponse) => r.results.flatMap((g) => g.flatMap((c) => Array.from(c.greedy)));
const sum = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0);
const maxAbsDiff = (a: number[], b: number[]) => {
  expect(a).toHaveLength(b.length);
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
};

jest.setTimeout(120_000);

describe('native llama.cpp addon: Context.score', () => {
  let model: NativeModel;
  let ctx: NativeContext;
  let tokens: Int32Array;
  let nVocab: number;

  beforeAll(async () => {
    model = await loadNativeLlama().loadModel(STORIES);
    nVocab = model.info().nVocab;
    tokens = model.tokenize(fs.readFileSync(TEXT, 'utf8').slice(0, 40_000), true, false);
    ctx = model.createContext({ contextSize: 512, sequences: 8, batchSize: 1024 });
  });

  afterAll(() => {
    ctx?.dispose();
    model?.dispose();
  });

  it('equals a pure-JS float64 log-softmax over the full logits', async () => {
    const seq = tokens.slice(0, 300);
    const logits = await ctx.evalLogits(seq);
    expect(logits.length).toBe(seq.length * nVocab);
    const start = 20;
    const r = await ctx.score([{ prefix: seq.slice(0, start), continuations: [seq.slice(start)] }]);
    const { logprobs, greedy } = r.results[0][0];
    expect(logprobs.length).toBe(seq.length - start);
    let worst = 0;
    let nonGreedy = 0;
    for (let j = 0; j < logprobs.length; j++) {
      const row = start + j - 1; // logits at position row predict seq[row + 1]
      const { lse, argmax } = jsLogSoftmaxRow(logits, row, nVocab);
      const ref = logits[row * nVocab + seq[row + 1]] - lse;
      worst = Math.max(worst, Math.abs(logprobs[j] - ref));
      expect(greedy[j]).toBe(argmax === seq[row + 1] ? 1 : 0);
      nonGreedy += argmax === seq[row + 1] ? 0 : 1;
    }
    expect(worst).toBeLessThan(1e-9); // same float32 logits, two float64 log-softmax implementations
    expect(nonGreedy).toBeGreaterThan(0); // the check above exercised both outcomes
    expect(nonGreedy).toBeLessThan(logprobs.length);
    expect(sum(logprobs)).toBeLessThan(0);
  });

  it('matches an independent float64 forward pass of the model written in TypeScript', async () => {
    const seq = tokens.slice(0, 120);
    const ref = referenceLogits(readGguf(STORIES), seq);
    const refLp = Array.from(seq.slice(1), (t, j) => logProb(ref[j], t));
    const group = [{ prefix: seq.slice(0, 1), continuations: [seq.slice(1)] }];
    // f32 KV cache without flash attention: float32 arithmetic all the way
    const exactCtx = model.createContext({ contextSize: 256, kvCacheType: 'f32', flashAttention: false });
    const exact = Array.from((await exactCtx.score(group)).results[0][0].logprobs);
    exactCtx.dispose();
    expect(maxAbsDiff(exact, refLp)).toBeLessThan(1e-4);
    expect(Math.abs(sum(exact) - sum(refLp))).toBeLessThan(1e-3);
    // llama.cpp's defaults (f16 KV cache, flash attention), as llama-perplexity runs
    const fast = Array.from((await ctx.score(group)).results[0][0].logprobs);
    expect(maxAbsDiff(fast, refLp)).toBeLessThan(3e-2);
    expect(Math.abs(sum(fast) - sum(refLp)) / Math.abs(sum(refLp))).toBeLessThan(1e-3);
  });

  it('gives the same total when the text is split token by token', async () => {
    const seq = tokens.slice(1000, 1120);
    seq[0] = 1;
    const whole = await ctx.score([{ prefix: seq.slice(0, 1), continuations: [seq.slice(1)] }]);
    const pieces: ScoreGroup[] = [];
    for (let k = 1; k < seq.length; k++) pieces.push({ prefix: seq.slice(0, k), continuations: [seq.slice(k, k + 1)] });
    const split = await ctx.score(pieces);
    const a = Array.from(whole.results[0][0].logprobs);
    const b = flat(split);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-9);
    expect(Math.abs(sum(a) - sum(b))).toBeLessThan(1e-8);
    expect(Array.from(whole.results[0][0].greedy)).toEqual(flatGreedy(split));
    // the split version really decoded every prefix: sum of k for k = 1..119
    expect(split.decodedTokens).toBe(((seq.length - 1) * seq.length) / 2);
    expect(whole.decodedTokens).toBe(seq.length - 1);
  });

  it('batched scoring (many groups, several sequences) equals one group at a time', async () => {
    const groups = randomGroups(tokens, 40, 7);
    const batched = await ctx.score(groups);
    expect(batched.decodeCalls).toBeLessThan(groups.length);
    const single = model.createContext({ contextSize: 512, sequences: 1, batchSize: 64 });
    const oneByOne: number[] = [];
    const oneByOneGreedy: number[] = [];
    for (const g of groups) {
      const r = await single.score([g]);
      oneByOne.push(...flat(r));
      oneByOneGreedy.push(...flatGreedy(r));
    }
    single.dispose();
    expect(maxAbsDiff(flat(batched), oneByOne)).toBeLessThan(1e-6);
    expect(flatGreedy(batched)).toEqual(oneByOneGreedy);
  });

  it('decodes a shared prefix once and matches scoring each continuation with its own prefix copy', async () => {
    const groups = randomGroups(tokens, 24, 11, 80, 4, 12).map((g) => ({
      ...g,
      continuations: [...g.continuations, g.continuations[0].slice(0, 1)], // >= 2 continuations each
    }));
    const expected = decodeCost(groups); // minimum: prefix shared; naive: a prefix copy per continuation
    const shared = await ctx.score(groups);
    const copies = groups.flatMap((g) => g.continuations.map((c) => ({ prefix: g.prefix.slice(), continuations: [c] })));
    const copied = await ctx.score(copies);
    expect(maxAbsDiff(flat(shared), flat(copied))).toBeLessThan(1e-6);
    expect(flatGreedy(shared)).toEqual(flatGreedy(copied));
    expect(shared.decodedTokens).toBe(expected.minimum);
    expect(copied.decodedTokens).toBe(expected.naive);
    expect(shared.decodedTokens).toBeLessThan(copied.decodedTokens);

    // without a unified KV cache the prefix cannot be shared: same numbers, more decoding
    // (llama.cpp splits such batches into per-sequence ubatches itself, so only ~1 ulp agreement)
    const separate = model.createContext({ contextSize: 512, sequences: 8, unifiedKv: false });
    const r = await separate.score(groups);
    separate.dispose();
    expect(maxAbsDiff(flat(r), flat(shared))).toBeLessThan(1e-5);
    expect(r.decodedTokens).toBe(expected.naive);
  });

  it('shares a prefix among more continuations than the context has sequences (unified KV), up to 64 sequence ids', async () => {
    const prefix = tokens.slice(0, 30);
    const continuations = Array.from({ length: 70 }, (_, i) => tokens.slice(100 + i * 7, 100 + i * 7 + 5));
    const r = await ctx.score([{ prefix, continuations }]);
    const copies = await ctx.score(continuations.map((c) => ({ prefix, continuations: [c] })));
    expect(maxAbsDiff(flat(r), flat(copies))).toBeLessThan(1e-6);
    // 8 sequences but 64 sequence ids in one pool of cells: the prefix is decoded twice (64 + 6 continuations)
    expect(r.decodedTokens).toBe(2 * prefix.length + continuations.length * 4);
  });

  it('decodes the prefix once per sequence with separate per-sequence caches', async () => {
    const prefix = tokens.slice(0, 30);
    const continuations = Array.from({ length: 20 }, (_, i) => tokens.slice(100 + i * 7, 100 + i * 7 + 5));
    const separate = model.createContext({ contextSize: 512, sequences: 8, unifiedKv: false });
    const r = await separate.score([{ prefix, continuations }]);
    separate.dispose();
    expect(r.decodedTokens).toBe(continuations.length * (prefix.length + 4));
  });

  it('keeps the event loop free while scoring', async () => {
    const groups = randomGroups(tokens, 60, 3, 120, 4, 30);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const r = await ctx.score(groups);
    clearInterval(timer);
    expect(r.timeMs).toBeGreaterThan(20);
    expect(ticks).toBeGreaterThan(2);
  });

  it('runs concurrent calls on one context one after another', async () => {
    const groups = randomGroups(tokens, 10, 5);
    const [a, b] = await Promise.all([ctx.score(groups), ctx.score(groups)]);
    expect(flat(a)).toEqual(flat(b));
  });
});
