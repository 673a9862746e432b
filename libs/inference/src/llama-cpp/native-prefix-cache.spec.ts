// Prefix caching across samples and calls, and continuations scored inside generation: the cached
// paths give the numbers of the uncached ones and decode each shared token once.
import * as fs from 'fs';
import * as path from 'path';
import { GenerateRequest, loadNativeLlama, NativeContextOptions, NativeModel, ScoreGroup, ScoreResponse } from './native-binding';
import { DATA_DIR, MODELS_DIR } from '@app/testing/paths';

const STORIES = path.join(MODELS_DIR, 'stories260K.gguf');
const TEXT = path.join(DATA_DIR, 'tinystories', 'tinystories_val_first1000.txt');

jest.setTimeout(120_000);

const flat = (r: ScoreResponse) => r.results.flatMap((g) => g.flatMap((c) => Array.from(c.logprobs)));
const cat = (...parts: Int32Array[]) => Int32Array.from(parts.flatMap((p) => Array.from(p)));

describe('native llama.cpp addon: prefix caching', () => {
  let model: NativeModel;
  let stories: string[];
  let shared: Int32Array;

  beforeAll(async () => {
    model = await loadNativeLlama().loadModel(STORIES);
    stories = fs.readFileSync(TEXT, 'utf8').split('<|endoftext|>').map((s) => s.trim());
    // a "few-shot" prefix: two whole stories, as a task's fixed examples
    shared = model.tokenize(`${stories[0]}\n\n${stories[1]}\n\n`, true, false).slice(0, 150);
  });

  afterAll(() => model?.dispose());

  /** Documents sharing the prefix: their own question and four answers each. */
  function docs(from: number, n: number): ScoreGroup[] {
    return stories.slice(from, from + n).map((s) => {
      const words = s.split(' ');
      return {
        prefix: cat(shared, model.tokenize(words.slice(0, 12).join(' '), false, false)),
        continuations: [1, 2, 3, 4].map((k) => model.tokenize(` ${words.slice(12 * k, 12 * k + 3 + k).join(' ')}`, false, false)),
      };
    });
  }

  async function uncached(groups: ScoreGroup[], opts: NativeContextOptions): Promise<number[]> {
    const out: number[] = [];
    for (const g of groups) {
      const fresh = model.createContext(opts);
      out.push(...flat(await fresh.score([g])));
      fresh.dispose();
    }
    return out;
  }

  it('scores with a pinned shared prefix exactly as without, decoding it once across calls', async () => {
    const opts = { contextSize: 256, sequences: 8, batchSize: 512 };
    const ctx = model.createContext(opts);
    const first = docs(2, 6);
    const second = docs(8, 6);
    const r1 = await ctx.score(first);
    expect(r1.pinnedTokens).toBeGreaterThanOrEqual(shared.length - 1);
    expect(r1.reusedTokens).toBe(0);
    const r2 = await ctx.score(second);
    expect(r2.reusedTokens).toBe(r2.pinnedTokens); // the prefix was already in the cache
    expect(flat(r1)).toEqual(await uncached(first, opts));
    expect(flat(r2)).toEqual(await uncached(second, opts));
    // decoded: the shared prefix once (not at all when cached), each document's rest of the context
    // once, every continuation token but the last (what decodeCost calls the minimum within a sample)
    const minimum = (gs: ScoreGroup[], pinned: number) =>
      pinned + gs.reduce((a, g) => a + g.prefix.length - pinned + g.continuations.reduce((b, c) => b + c.length - 1, 0), 0);
    expect(r1.decodedTokens).toBe(minimum(first, r1.pinnedTokens));
    expect(r2.decodedTokens).toBe(minimum(second, r2.pinnedTokens) - r2.reusedTokens);
    ctx.dispose();
  });

  it('a call whose groups share nothing clears the pinned prefix and scores as before', async () => {
    const opts = { contextSize: 256, sequences: 4, batchSize: 512 };
    const ctx = model.createContext(opts);
    await ctx.score(docs(2, 3));
    const other = [docs(20, 1)[0], { prefix: model.tokenize(stories[30].slice(0, 200), true, false), continuations: [model.tokenize(' the end', false, false)] }];
    const r = await ctx.score(other);
    expect(r.pinnedTokens).toBe(0);
    expect(flat(r)).toEqual(await uncached(other, opts));
    ctx.dispose();
  });

  const genOpts: NativeContextOptions = { contextSize: 256, sequences: 4, batchSize: 512, unifiedKv: false, flashAttention: false };
  function prompts(from: number, n: number): GenerateRequest[] {
    return stories.slice(from, from + n).map((s, i) => ({
      prompt: cat(shared, model.tokenize(s.split(' ').slice(0, 8).join(' '), false, false)),
      maxTokens: 12 + i,
      temperature: 0,
    }));
  }

  it('generation reuses cached prefixes across requests and calls with identical greedy outputs', async () => {
    const ctx = model.createContext(genOpts);
    const reqs = prompts(2, 10); // more requests than sequences: slots are reused
    const warmA = await ctx.generate(reqs.slice(0, 3));
    const batched = await ctx.generate(reqs);
    expect(batched.reusedTokens).toBeGreaterThanOrEqual(reqs.length * (shared.length - 1));
    expect(warmA.cacheCopies + batched.cacheCopies).toBeGreaterThan(0); // a sequence took another's prefix
    for (let i = 0; i < reqs.length; i++) {
      const fresh = model.createContext({ ...genOpts, sequences: 1 });
      const one = (await fresh.generate([reqs[i]])).results[0];
      fresh.dispose();
      expect(one.reusedTokens).toBe(0);
      expect(Array.from(batched.results[i].tokens)).toEqual(Array.from(one.tokens));
      expect(batched.results[i].finishReason).toBe(one.finishReason);
      expect(batched.results[i].tokens.length).toBeLessThanOrEqual(reqs[i].maxTokens);
    }
    // the whole shared prefix was decoded once per sequence at most, every suffix once
    const prefixOnce = shared.length;
    const suffixes = reqs.reduce((a, r) => a + r.prompt.length - shared.length, 0);
    const generated = batched.results.reduce((a, r) => a + r.tokens.length, 0);
    expect(batched.decodedTokens).toBeLessThanOrEqual(suffixes + generated + reqs.length * 2 + prefixOnce);
    ctx.dispose();
  });

  it('scores continuations from the generation prompt as the scorer does, without changing the generation', async () => {
    const ctx = model.createContext(genOpts);
    const reqs = prompts(12, 6).map((r, i) => ({ ...r, score: [model.tokenize(` ${stories[40 + i].slice(0, 40)}`, false, false)] }));
    const seen = new Map<number, string>();
    const res = await ctx.generate(reqs, (i, r) => seen.set(i, r.text));
    const plain = await model.createContext(genOpts).generate(reqs.map(({ score: _s, ...r }) => r));
    const scorer = model.createContext(genOpts);
    const ref = await scorer.score(reqs.map((r) => ({ prefix: r.prompt, continuations: r.score })));
    const defaults = model.createContext({ contextSize: 256, sequences: 4 }); // unified KV, flash attention auto
    const refDefault = await defaults.score(reqs.map((r) => ({ prefix: r.prompt, continuations: r.score })));
    reqs.forEach((r, i) => {
      const got = res.results[i].scores[0];
      expect(got.logprobs).toHaveLength(r.score[0].length);
      // same settings; per-sequence KV cuts batches into ubatches by sequence, so a row may come from
      // a different matmul kernel than in the scorer's batches (~1e-6)
      got.logprobs.forEach((lp, j) => expect(Math.abs(lp - ref.results[i][0].logprobs[j])).toBeLessThan(1e-5 * Math.max(1, Math.abs(lp))));
      const sum = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0);
      expect(Math.abs(sum(got.logprobs) - sum(refDefault.results[i][0].logprobs))).toBeLessThan(1e-3 * Math.abs(sum(got.logprobs)));
      expect(Array.from(res.results[i].tokens)).toEqual(Array.from(plain.results[i].tokens));
      expect(seen.get(i)).toBe(res.results[i].text); // reported as it finished
    });
    const scoreOnly = await ctx.generate([{ ...reqs[0], maxTokens: 0 }]);
    scoreOnly.results[0].scores[0].logprobs.forEach((lp, j) => expect(lp).toBeCloseTo(res.results[0].scores[0].logprobs[j], 5));
    expect(scoreOnly.results[0].tokens).toHaveLength(0);
    for (const c of [ctx, scorer, defaults]) c.dispose();
  });

  it('scores continuations from a point inside the prompt, then generates from the whole prompt', async () => {
    const ctx = model.createContext(genOpts);
    const reqs = prompts(30, 5).map((r, i) => ({ ...r, scoreFrom: r.prompt.length - 2, score: [model.tokenize(` ${stories[50 + i].slice(0, 30)}`, false, false)] }));
    const res = await ctx.generate(reqs);
    const plain = await model.createContext(genOpts).generate(reqs.map(({ score: _s, scoreFrom: _f, ...r }) => r));
    const ref = await model.createContext(genOpts).score(reqs.map((r) => ({ prefix: r.prompt.slice(0, r.scoreFrom), continuations: r.score })));
    reqs.forEach((r, i) => {
      res.results[i].scores[0].logprobs.forEach((lp, j) => expect(Math.abs(lp - ref.results[i][0].logprobs[j])).toBeLessThan(1e-5 * Math.max(1, Math.abs(lp))));
      expect(Array.from(res.results[i].tokens)).toEqual(Array.from(plain.results[i].tokens));
    });
    await expect(ctx.generate([{ ...reqs[0], scoreFrom: reqs[0].prompt.length + 1 }])).rejects.toThrow(/scoreFrom must be within/);
    ctx.dispose();
  });
});
