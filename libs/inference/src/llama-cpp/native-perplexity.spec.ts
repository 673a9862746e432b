// Perplexity through Context.score equals llama.cpp's own `llama-perplexity` (within 0.1 %).
// Needs the llama-perplexity binary (node infra/llama-tools/build.js; LLAMA_CPP_TOOLS_DIR or LLAMA_CPP_BIN_DIR).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { llamaPerplexity, perplexityChunks } from './__tests__/fixtures';
import { loadNativeLlama } from './native-binding';
import { DATA_DIR, MODELS_DIR, LLAMA_TOOLS_BIN } from '@app/testing/paths';

const BIN_DIR = LLAMA_TOOLS_BIN;
const STORIES = path.join(MODELS_DIR, 'stories260K.gguf');
const TEXT = path.join(DATA_DIR, 'tinystories', 'tinystories_val_first1000.txt');
const EXE = path.join(BIN_DIR, 'llama-perplexity');

const N_CTX = 128;
const CHUNKS = 150;

jest.setTimeout(300_000);

describe('native llama.cpp addon: perplexity vs llama-perplexity', () => {
  if (!fs.existsSync(EXE)) {
    it.skip(`llama-perplexity not found at ${EXE}; build llama.cpp's tools or set LLAMA_CPP_BIN_DIR`, () => undefined);
    return;
  }

  it(`matches llama-perplexity -c ${N_CTX} --chunks ${CHUNKS} within 0.1 %`, async () => {
    const threads = Math.min(2, os.cpus().length);
    const ref = llamaPerplexity(EXE, STORIES, TEXT, N_CTX, CHUNKS, threads);
    expect(ref.chunks).toBe(CHUNKS);

    const model = await loadNativeLlama().loadModel(STORIES);
    const info = model.info();
    // llama-perplexity tokenizes the whole file with BOS (add_special) and without parsing special tokens
    const tokens = model.tokenize(fs.readFileSync(TEXT, 'utf8'), true, false);
    expect(Math.floor(tokens.length / N_CTX)).toBeGreaterThanOrEqual(CHUNKS);
    const groups = perplexityChunks(tokens, info.bos, N_CTX, CHUNKS);
    // n_seq = n_batch / n_ctx = 16 parallel chunks, as llama-perplexity runs them; per-sequence KV
    // caches are its configuration for perplexity, the unified cache is the addon's default
    for (const unifiedKv of [false, true]) {
      const ctx = model.createContext({ contextSize: N_CTX, sequences: 16, batchSize: 2048, threads, unifiedKv });
      const r = await ctx.score(groups);
      ctx.dispose();
      let nll = 0;
      let count = 0;
      for (const g of r.results) {
        for (const lp of g[0].logprobs) {
          nll -= lp;
          count++;
        }
      }
      expect(count).toBe(CHUNKS * (N_CTX / 2 - 1)); // llama-perplexity scores n_ctx/2 - 1 tokens per chunk
      expect(r.decodedTokens).toBe(CHUNKS * (N_CTX - 1)); // the last token of a chunk is never decoded
      const ppl = Math.exp(nll / count);
      expect(Math.abs(ppl - ref.ppl) / ref.ppl).toBeLessThan(1e-3);
    }
    model.dispose();
  });
});
