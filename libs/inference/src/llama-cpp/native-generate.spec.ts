// Context.generate: greedy chains agree with the logits and with Context.score, batching, stops.
import * as fs from 'fs';
import * as path from 'path';
import { jsLogSoftmaxRow } from './__tests__/fixtures';
import { GenerateRequest, loadNativeLlama, NativeContext, NativeModel } from './native-binding';
import { DATA_DIR, MODELS_DIR } from '@app/testing/paths';

const STORIES = path.join(MODELS_DIR, 'stories260K.gguf');
const TEXT = path.join(DATA_DIR, 'tinystories', 'tinystories_val_first1000.txt');

jest.setTimeout(120_000);

describe('native llama.cpp addon: Context.generate', () => {
  let model: NativeModel;
  let ctx: NativeContext;
  let prompts: Int32Array[];
  let nVocab: number;

  beforeAll(async () => {
    model = await loadNativeLlama().loadModel(STORIES);
    nVocab = model.info().nVocab;
    const stories = fs.readFileSync(TEXT, 'utf8').split('<|endoftext|>').map((s) => s.trim());
    // the first sentence of several stories, with BOS
    prompts = stories.slice(0, 6).map((s) => model.tokenize(s.slice(0, s.indexOf('.') + 1), true, false));
    ctx = model.createContext({ contextSize: 256, sequences: 4, batchSize: 512 });
  });

  afterAll(() => {
    ctx?.dispose();
    model?.dispose();
  });

  it('greedy generation follows the argmax chain and score marks every token greedy', async () => {
    const prompt = prompts[0];
    const { results } = await ctx.generate([{ prompt, maxTokens: 40, temperature: 0 }]);
    const gen = results[0];
    expect(gen.tokens.length).toBeGreaterThan(5);
    expect(gen.promptTokens).toBe(prompt.length);
    expect(['eog', 'length']).toContain(gen.finishReason);

    // independent check: the argmax of the full logits at every position is the next generated token
    const all = Int32Array.from([...prompt, ...gen.tokens]);
    const logits = await ctx.evalLogits(all);
    for (let j = 0; j < gen.tokens.length; j++) {
      const row = prompt.length - 1 + j;
      expect(jsLogSoftmaxRow(logits, row, nVocab).argmax).toBe(gen.tokens[j]);
    }
    if (gen.finishReason === 'eog') {
      expect(jsLogSoftmaxRow(logits, all.length - 1, nVocab).argmax).toBe(model.info().eos);
    }

    const scored = await ctx.score([{ prefix: prompt, continuations: [gen.tokens] }]);
    expect(Array.from(scored.results[0][0].greedy)).toEqual(new Array(gen.tokens.length).fill(1));
    expect(gen.text).toBe(Array.from(gen.tokens, (t) => model.tokenToPiece(t)).join(''));
  });

  it('batched generation (more prompts than sequences) equals one prompt at a time', async () => {
    const reqs: GenerateRequest[] = prompts.map((prompt, i) => ({ prompt, maxTokens: 20 + 5 * i, temperature: 0 }));
    const batched = await ctx.generate(reqs);
    const single = model.createContext({ contextSize: 256, sequences: 1 });
    for (let i = 0; i < reqs.length; i++) {
      const one = await single.generate([reqs[i]]);
      expect(Array.from(batched.results[i].tokens)).toEqual(Array.from(one.results[0].tokens));
      expect(batched.results[i].finishReason).toBe(one.results[0].finishReason);
    }
    single.dispose();
    for (const r of batched.results) {
      expect(r.ttftMs).toBeGreaterThanOrEqual(0);
      expect(r.totalMs).toBeGreaterThanOrEqual(r.ttftMs);
    }
  });

  it('stops at a stop string and leaves it out of the text', async () => {
    const prompt = prompts[1];
    const free = (await ctx.generate([{ prompt, maxTokens: 60, temperature: 0 }])).results[0];
    const at = free.text.indexOf('.');
    expect(at).toBeGreaterThan(0); // the model writes a full sentence within 60 tokens
    const stopped = (await ctx.generate([{ prompt, maxTokens: 60, temperature: 0, stop: ['.', 'zzz'] }])).results[0];
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(free.text.slice(0, at));
    expect(Array.from(stopped.tokens)).toEqual(Array.from(free.tokens.slice(0, stopped.tokens.length)));
  });

  it('samples reproducibly with a seed and reports length / context limits', async () => {
    const req = { prompt: prompts[2], maxTokens: 30, temperature: 0.9, topK: 40, topP: 0.95, seed: 42 };
    const [a, b] = await Promise.all([ctx.generate([req]), ctx.generate([req])]);
    expect(Array.from(a.results[0].tokens)).toEqual(Array.from(b.results[0].tokens));
    const other = await ctx.generate([{ ...req, seed: 7 }, { ...req, seed: 8 }]);
    const texts = new Set([a.results[0].text, other.results[0].text, other.results[1].text]);
    expect(texts.size).toBeGreaterThan(1);

    const len = (await ctx.generate([{ prompt: prompts[3], maxTokens: 3 }])).results[0];
    expect(len.finishReason).toBe('length');
    expect(len.tokens.length).toBe(3);

    const small = model.createContext({ contextSize: prompts[4].length + 5, sequences: 2 });
    const limited = (await small.generate([{ prompt: prompts[4], maxTokens: 100 }])).results[0];
    small.dispose();
    if (limited.finishReason !== 'eog') {
      expect(limited.finishReason).toBe('context');
      expect(limited.tokens.length).toBe(6); // positions prompt.length .. contextSize-1 decoded, plus the last sample
    }
  });
});
