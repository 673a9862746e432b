#!/usr/bin/env node
'use strict';
/*
 * Cross-sample prefix caching: tokens the llama-cpp backend decodes per sample on few-shot tasks whose
 * examples are fixed (5-shot MMLU: log-likelihood; 3-shot BBH CoT: generation plus its conditional
 * loss), through the service's path (LlamaCppBackend.answerBatch, as the worker hands it a shard),
 * against the minimum:
 *   - the prefix all samples of a task share (its few-shot examples), once;
 *   - each sample's rest of its context, once;
 *   - every scored continuation token but its last;
 *   - every generated token that was fed back (all but the last, or all when it ended on end-of-text).
 * Shards of --shard documents each go through one backend (one worker), in order.
 *
 *   npm run build && node bench/generation/prefix-cache.js [--items 40] [--shard 20] [--threads 1]
 *     [--mmlu mmlu_high_school_biology,mmlu_anatomy] [--bbh bbh_cot_fewshot_boolean_expressions] [--max-gen 64]
 *
 * --max-gen caps BBH's max_gen_toks (lm-eval's 1024) to keep the run short: stories260K never writes
 * the stop strings, so every answer runs to the cap. Target (issue 13): decoded <= 1.2 x minimum.
 */
const path = require('node:path');
const { MODELS_DIR, DATA_DIR, arg, header, dist } = require('../lib/common');

const items = arg('items', 40);
const shard = arg('shard', 20);
const threads = arg('threads', 1);
const maxGen = arg('max-gen', 64);
const mmlu = arg('mmlu', 'mmlu_high_school_biology,mmlu_anatomy').split(',').filter(Boolean);
const bbh = arg('bbh', 'bbh_cot_fewshot_boolean_expressions,bbh_cot_fewshot_date_understanding').split(',').filter(Boolean);
const modelPath = process.env.BENCH_MODEL || path.join(MODELS_DIR, 'stories260K.gguf');

function commonPrefix(a, b) {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

async function main() {
  header(`cross-sample prefix caching on fixed few-shot prompts (${path.basename(modelPath)})`);
  const { LlamaCppBackend } = dist('libs/inference/src/index');
  const { encodePair } = dist('libs/inference/src/backends/lm-eval-encoding');
  const { planGeneration } = dist('libs/inference/src/backends/generation-plan');
  const { loadNativeLlama } = dist('libs/inference/src/llama-cpp/native-binding');
  const { TaskRegistry } = dist('libs/benchmarks/src/index');
  const registry = new TaskRegistry(DATA_DIR);
  const model = await loadNativeLlama().loadModel(modelPath);
  const m = model.info();
  const tok = { prefixToken: m.addBos || m.bos >= 0 ? m.bos : m.eos, tokenize: (t, special) => model.tokenize(t, special, false) };
  console.log(`${items} documents per task in shards of ${shard}, one backend per task (a fresh worker), ${threads} thread(s); BBH max_gen_toks capped at ${maxGen}\n`);
  console.log('task                                         docs  shared prefix  decoded/sample: ours  minimum  no cache  ours/min  no-cache/min   time s');

  for (const task of [...mmlu, ...bbh]) {
    const backend = await LlamaCppBackend.load({ path: modelPath, sha256: 'bench' }, { threads });
    const n = Math.min(items, (await registry.evalDocs(task)).length);
    const samples = await registry.prepare(task, 0, n, {});
    for (const s of samples) for (const r of s.requests) if (r.type === 'generate_until') r.maxTokens = Math.min(r.maxTokens, maxGen);
    // contexts as the backend decodes them (generation prompts after its one truncation rule)
    const lls = samples.flatMap((s) => s.requests.filter((r) => r.type === 'loglikelihood'));
    const gens = samples.flatMap((s) => s.requests.filter((r) => r.type === 'generate_until'));
    const plan = planGeneration(tok, gens, lls, backend.info.contextSize);
    const contexts = gens.length ? plan.native.map((g) => g.prompt) : lls.map((r) => encodePair(tok, r.context, r.continuation).ctx);
    let shared = contexts[0].length;
    for (const c of contexts) shared = Math.min(shared, commonPrefix(contexts[0], c));
    const distinct = [...new Map(contexts.map((c) => [c.join(','), c])).values()];
    const conts = gens.length
      ? plan.native.reduce((a, g) => a + (g.score ?? []).reduce((b, c) => b + c.length - 1, 0), 0)
      : lls.reduce((a, r) => a + encodePair(tok, r.context, r.continuation).cont.length - 1, 0);

    const before = backend.stats();
    const t0 = performance.now();
    const generated = [];
    for (let i = 0; i < samples.length; i += shard) {
      const part = samples.slice(i, i + shard);
      const batch = { loglikelihood: [], rolling: [], generate: [] };
      for (const s of part) for (const r of s.requests) (r.type === 'generate_until' ? batch.generate : batch.loglikelihood).push(r);
      const res = await backend.answerBatch(batch);
      generated.push(...res.generate);
    }
    const seconds = (performance.now() - t0) / 1000;
    const after = backend.stats();
    const ours = after.decodedTokens - before.decodedTokens + after.generatedDecodedTokens - before.generatedDecodedTokens;
    const fedBack = generated.reduce((a, g) => a + (g.finishReason === 'eog' ? g.outputTokens : Math.max(0, g.outputTokens - 1)), 0);
    const minimum = shared + distinct.reduce((a, c) => a + c.length - shared, 0) + conts + fedBack;
    const noCache = distinct.reduce((a, c) => a + c.length, 0) + conts + fedBack;
    const per = (x) => (x / samples.length).toFixed(0);
    if (process.env.BENCH_DEBUG) console.log(JSON.stringify({ before, after, fedBack, conts, folded: plan.folded.size, rest: plan.rest.length }));
    console.log(`${task.padEnd(44)} ${String(samples.length).padStart(4)}  ${String(shared).padStart(13)}  ${per(ours).padStart(20)} ${per(minimum).padStart(8)} ${per(noCache).padStart(9)}  ${(ours / minimum).toFixed(2).padStart(8)}  ${(noCache / minimum).toFixed(2).padStart(12)}  ${seconds.toFixed(1).padStart(7)}`);
    await backend.dispose();
  }
  model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
