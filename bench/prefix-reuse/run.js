#!/usr/bin/env node
'use strict';
/*
 * Prefix reuse: tokens the llama-cpp backend decodes per multiple-choice item, against
 *   - the minimum: each context once plus every continuation token but its last, and
 *   - the naive way: the context again for every choice (one sequence per request),
 * on real benchmark requests (lm-eval prompts from ../shared/data), and the time each takes.
 *
 *   npm run build && node bench/prefix-reuse/run.js [--items 500] [--reps 3] [--threads N] [--tasks hellaswag,arc_challenge,...]
 *
 * "ours" is LlamaCppBackend.loglikelihood (the service's path: lm-eval tokenization, context groups,
 * the native scorer); "naive" scores the same tokens through the same native context with every
 * request in its own group (same batching, no sharing). Decoded tokens are counted by the scorer.
 * Target (issue 6): ours <= 1.15 x minimum.
 */
const os = require('node:os');
const path = require('node:path');
const { MODELS_DIR, DATA_DIR, arg, header, dist, median, fmt } = require('../lib/common');

const items = arg('items', 500);
const reps = arg('reps', 3);
const threads = arg('threads', os.availableParallelism ? os.availableParallelism() : os.cpus().length);
const modelPath = process.env.BENCH_MODEL || path.join(MODELS_DIR, 'stories260K.gguf');
const ALL_TASKS = [
  ['hellaswag', 0],
  ['arc_challenge', 0],
  ['mmlu_high_school_biology', 5],
  ['truthfulqa_mc1', 0],
  ['truthfulqa_mc2', 0],
];
const only = arg('tasks', '');
const TASKS = only ? ALL_TASKS.filter(([t]) => only.split(',').includes(t)) : ALL_TASKS;

async function main() {
  header(`prefix reuse on multiple-choice benchmarks (${path.basename(modelPath)}, up to ${items} items each)`);
  const { LlamaCppBackend, groupByContext, decodeCost } = dist('libs/inference/src/index');
  const { loadNativeLlama } = dist('libs/inference/src/llama-cpp/native-binding');
  const { TaskRegistry } = dist('libs/benchmarks/src/index');
  const backend = await LlamaCppBackend.load({ path: modelPath, sha256: 'bench' }, { threads });
  // the same context settings as the backend, for the naive variant
  const model = await loadNativeLlama().loadModel(modelPath);
  const m = model.info();
  const ctx = model.createContext({ contextSize: backend.info.contextSize, sequences: backend.info.details.sequences, threads });
  const tok = { prefixToken: m.addBos || m.bos >= 0 ? m.bos : m.eos, tokenize: (t, special) => model.tokenize(t, special, false) };
  const registry = new TaskRegistry(DATA_DIR);
  console.log(`backend: context ${backend.info.contextSize} x ${backend.info.details.sequences} sequences, threads ${threads}, ${reps} reps\n`);
  console.log('task                        items  choices/item  ctx tok/item  decoded/item: ours   minimum     naive   ours/min  naive/min   time: ours    naive  naive/ours');

  for (const [task, shots] of TASKS) {
    const n = Math.min(items, (await registry.evalDocs(task)).length);
    const samples = await registry.prepare(task, 0, n, { numFewshot: shots });
    const requests = samples.flatMap((s) => s.requests.filter((r) => r.type === 'loglikelihood').map((r) => ({ context: r.context, continuation: r.continuation })));
    const cost = backend.decodeCost(requests);
    const { groups } = groupByContext(tok, requests, backend.info.contextSize);
    const naiveGroups = groups.flatMap((g) => g.continuations.map((c) => ({ prefix: g.prefix, continuations: [c] })));
    if (decodeCost(naiveGroups).minimum !== cost.naive) throw new Error('naive groups do not match the naive cost');
    const ctxTokens = groups.reduce((a, g) => a + g.prefix.length, 0);

    const ours = [];
    const naive = [];
    let decodedOurs = 0;
    let decodedNaive = 0;
    for (let r = 0; r < reps; r++) {
      const before = backend.stats().decodedTokens;
      let t0 = performance.now();
      await backend.loglikelihood(requests);
      ours.push((performance.now() - t0) / 1000);
      decodedOurs = backend.stats().decodedTokens - before;
      t0 = performance.now();
      decodedNaive = 0;
      for (let i = 0; i < naiveGroups.length; i += 256) decodedNaive += (await ctx.score(naiveGroups.slice(i, i + 256))).decodedTokens;
      naive.push((performance.now() - t0) / 1000);
    }
    const per = (x) => fmt(x / n, 1).padStart(9);
    console.log(`${`${task} (${shots}-shot)`.padEnd(27)} ${String(n).padStart(5)}  ${fmt(requests.length / n, 2).padStart(12)}  ${fmt(ctxTokens / n, 1).padStart(12)}  ` +
      `${per(decodedOurs).padStart(19)} ${per(cost.minimum)} ${per(decodedNaive)}   ${(decodedOurs / cost.minimum).toFixed(3).padStart(8)}  ${(decodedNaive / cost.minimum).toFixed(3).padStart(9)}   ` +
      `${median(ours).toFixed(2).padStart(9)} s ${median(naive).toFixed(2).padStart(6)} s  ${(median(naive) / median(ours)).toFixed(2).padStart(9)}x`);
  }
  ctx.dispose();
  model.dispose();
  await backend.dispose();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
