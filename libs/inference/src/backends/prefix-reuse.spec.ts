import path from 'node:path';
import { TaskRegistry } from '@app/benchmarks';
import { LlamaCppBackend } from './llama-cpp.backend';

// Counts, not seconds: how many tokens the llama-cpp backend decodes for real multiple-choice
// benchmark requests, against the minimum (each context once plus every continuation) and the naive
// way (the context again for every choice). Issue 6 target: <= 1.15 x minimum. Tasks whose prompt
// starts with fixed text (few-shot examples, TruthfulQA's QA preamble) decode that shared prefix once
// for all documents (issue 13), so less than that per-sample minimum.
const MODELS_DIR = process.env.DENSEBENCH_MODELS_DIR ?? path.resolve('..', 'shared', 'models');
const DATA_DIR = process.env.DENSEBENCH_DATA_DIR ?? path.resolve('..', 'shared', 'data');

jest.setTimeout(300_000);

const llRequests = (samples: Array<{ requests: ReadonlyArray<{ type: string; context?: string; continuation?: string }> }>) =>
  samples.flatMap((s) => s.requests.flatMap((r) => (r.type === 'loglikelihood' ? [{ context: r.context as string, continuation: r.continuation as string }] : [])));

describe('prefix reuse of the llama-cpp backend on benchmark requests', () => {
  let backend: LlamaCppBackend;
  const registry = new TaskRegistry(DATA_DIR);

  beforeAll(async () => {
    backend = await LlamaCppBackend.load({ path: path.join(MODELS_DIR, 'stories260K.gguf'), sha256: 'test' }, { threads: 1 });
  });
  afterAll(() => backend?.dispose());

  const cases: Array<[string, number, number, boolean]> = [
    ['hellaswag', 0, 40, false],
    ['arc_easy', 0, 40, false],
    ['mmlu_anatomy', 5, 10, true],
    ['truthfulqa_mc2', 0, 16, true], // up to ~14 choices per question: more than the context's 8 sequences
  ];
  it.each(cases)('%s (%i-shot): decodes the minimum (target <= 1.15 x; a shared prompt once), far less than the naive way', async (task, numFewshot, docs, sharedPrompt) => {
    const samples = await registry.prepare(task, 0, docs, { numFewshot });
    const requests = llRequests(samples);
    const cost = backend.decodeCost(requests);
    const before = backend.stats().decodedTokens;
    const results = await backend.loglikelihood(requests);
    const decoded = backend.stats().decodedTokens - before;

    expect(results).toHaveLength(requests.length);
    if (sharedPrompt) expect(decoded).toBeLessThan(0.8 * cost.minimum);
    else expect(decoded).toBe(cost.minimum);
    expect(cost.naive).toBeGreaterThan(1.5 * cost.minimum);
  });
});
