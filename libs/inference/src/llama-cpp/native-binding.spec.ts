// Loader, model metadata, tokenizer and error handling of the native llama.cpp addon.
// Needs `npm run build:native` and the test models (DENSEBENCH_MODELS_DIR, else ../shared/models beside the checkout).
import * as path from 'path';
import { loadNativeLlama, NativeAddonMissingError, NativeLlamaAddon, NativeModel } from './native-binding';
import { MODELS_DIR } from '@app/testing/paths';

const STORIES = path.join(MODELS_DIR, 'stories260K.gguf');
const GGUF_V1 = path.join(MODELS_DIR, 'legacy_gguf_v1', 'tinyllamas-stories-260k-f32.ggufv1.gguf');

describe('native llama.cpp addon: loader and model', () => {
  let llama: NativeLlamaAddon;
  let model: NativeModel;

  beforeAll(async () => {
    llama = loadNativeLlama();
    model = await llama.loadModel(STORIES);
  });

  afterAll(() => model?.dispose());

  it('loads once and reports a CPU device', () => {
    expect(loadNativeLlama()).toBe(llama);
    expect(llama.devices().some((d) => d.type === 'cpu')).toBe(true);
    expect(llama.llamaVersion).toMatch(/^\d+\.\d+/);
  });

  it('explains how to build the addon when it is missing', () => {
    expect(() => loadNativeLlama({ addonPath: '/nonexistent/densebench_llama.node' })).toThrow(NativeAddonMissingError);
    expect(() => loadNativeLlama({ addonPath: '/nonexistent/densebench_llama.node' })).toThrow(/npm run build:native/);
  });

  it('reports model metadata', () => {
    const info = model.info();
    expect(info).toMatchObject({
      nParams: 292800,
      nCtxTrain: 2048,
      nVocab: 512,
      bos: 1,
      eos: 2,
      addBos: true,
      architecture: 'llama',
    });
    expect(info.sizeBytes).toBeGreaterThan(1_000_000);
    expect(typeof info.description).toBe('string');
  });

  it('tokenizes and detokenizes', () => {
    const text = 'Once upon a time, there was a little girl named Lily.';
    const withBos = model.tokenize(text, true, false);
    const plain = model.tokenize(text, false, false);
    // (addon typed arrays come from the main realm, so `instanceof` fails inside jest's sandbox)
    expect(Object.prototype.toString.call(withBos)).toBe('[object Int32Array]');
    expect(withBos[0]).toBe(1);
    expect(Array.from(withBos.slice(1))).toEqual(Array.from(plain));
    expect(model.detokenize(plain)).toBe(text);
    const pieces = Array.from(plain, (t) => model.tokenToPiece(t)).join('');
    expect(pieces.trimStart()).toBe(text);
    expect(() => model.tokenToPiece(100000)).toThrow(/outside the vocabulary/);
  });

  it('creates a context with the requested geometry', () => {
    const ctx = model.createContext({ contextSize: 256, sequences: 4, batchSize: 512, threads: 1 });
    expect(ctx.info()).toMatchObject({ contextSize: 256, sequences: 4, batchSize: 512, threads: 1, unifiedKv: true });
    expect(ctx.info().kvCells).toBeGreaterThanOrEqual(1024);
    ctx.dispose();
    expect(() => model.createContext({ sequences: 0 })).toThrow(/sequences/);
  });

  describe('bad inputs give clear errors', () => {
    it('rejects a missing model file', async () => {
      await expect(llama.loadModel(path.join(MODELS_DIR, 'does-not-exist.gguf'))).rejects.toThrow(/model file not found/);
    });

    it('rejects a GGUF v1 file with a readable message', async () => {
      await expect(llama.loadModel(GGUF_V1)).rejects.toThrow(/unsupported GGUF version 1/);
    });

    it('rejects a file that is not GGUF', async () => {
      await expect(llama.loadModel(path.join(MODELS_DIR, 'LICENSE.python-gen-worker.MIT'))).rejects.toThrow(/not a GGUF/);
    });

    it('rejects an empty prefix, an empty prompt and out-of-vocabulary tokens', async () => {
      const ctx = model.createContext({ contextSize: 64, sequences: 2 });
      await expect(ctx.score([{ prefix: new Int32Array(0), continuations: [Int32Array.of(5)] }])).rejects.toThrow(
        /prefix is empty/,
      );
      await expect(ctx.score([{ prefix: Int32Array.of(1), continuations: [Int32Array.of(512)] }])).rejects.toThrow(
        /outside the vocabulary/,
      );
      await expect(ctx.generate([{ prompt: new Int32Array(0), maxTokens: 4 }])).rejects.toThrow(/prompt is empty/);
      await expect(ctx.score([{ prefix: Int32Array.of(1) } as never])).rejects.toThrow(/continuations must be an array/);
      ctx.dispose();
    });

    it('rejects a prefix + continuation longer than the context and says to truncate', async () => {
      const ctx = model.createContext({ contextSize: 32, sequences: 2 });
      const prefix = new Int32Array(30).fill(300);
      prefix[0] = 1;
      await expect(ctx.score([{ prefix, continuations: [new Int32Array(4).fill(300)] }])).rejects.toThrow(
        /group 0, continuation 0: .*needs 33 positions but the context holds 32 per sequence; truncate the prefix/,
      );
      // exactly at the limit is fine: 30 + 3 - 1 = 32 positions
      const ok = await ctx.score([{ prefix, continuations: [new Int32Array(3).fill(300)] }]);
      expect(ok.results[0][0].logprobs).toHaveLength(3);
      ctx.dispose();
    });

    it('throws on a disposed context and model', async () => {
      const m = await llama.loadModel(STORIES);
      const ctx = m.createContext({ contextSize: 64 });
      const alive = m.createContext({ contextSize: 64 });
      ctx.dispose();
      expect(ctx.disposed).toBe(true);
      expect(() => ctx.info()).toThrow(/Context has been disposed/);
      await expect(ctx.score([{ prefix: Int32Array.of(1), continuations: [Int32Array.of(5)] }])).rejects.toThrow(
        /Context has been disposed/,
      );
      await expect(ctx.generate([{ prompt: Int32Array.of(1), maxTokens: 1 }])).rejects.toMatchObject({
        code: 'ERR_DISPOSED',
      });
      m.dispose();
      expect(() => m.tokenize('hello')).toThrow(/Model has been disposed/);
      expect(() => m.createContext()).toThrow(/Model has been disposed/);
      // a context created before the model was disposed keeps the weights alive
      const r = await alive.score([{ prefix: Int32Array.of(1), continuations: [Int32Array.of(403)] }]);
      expect(r.results[0][0].logprobs[0]).toBeLessThan(0);
      alive.dispose();
    });
  });
});
