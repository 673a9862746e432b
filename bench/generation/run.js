#!/usr/bin/env node
'use strict';
/*
 * Batched generation against llama.cpp's own: llama-parallel (built by infra/llama-tools/build.js
 * from the llama.cpp source node-llama-cpp ships) and densebench's native generator on the same
 * model, the same prompts, the same settings: greedy, 8 parallel sequences with continuous batching,
 * per-sequence KV cache, flash attention off, llama-parallel's shared system prompt (-pps) and
 * stop string ("User:"), n_predict tokens at most.
 *
 *   node infra/llama-tools/build.js && npm run build
 *   node bench/generation/run.js [--sequences 64] [--parallel 8] [--predict 128] [--threads 1] [--reps 3]
 *
 * Reports output tokens/s of both (total generated tokens / wall time of the whole batch, prompt
 * processing included: llama-parallel's "Total gen tokens ... speed"), the ratio (target >= 0.8),
 * per-sample latency (request start to its last token) and whether the outputs are the same.
 * The runs alternate (llama.cpp, ours) and the medians are compared.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { MODELS_DIR, DATA_DIR, LLAMA_BIN_DIR, arg, header, dist, median, percentile } = require('../lib/common');

const nSeq = arg('sequences', 64);
const parallel = arg('parallel', 8);
const predict = arg('predict', 128);
const threads = arg('threads', 1);
const reps = arg('reps', 3);
const ctxPerSeq = arg('context', 1024);
const modelPath = process.env.BENCH_MODEL || path.join(MODELS_DIR, 'stories260K.gguf');
const bin = path.join(LLAMA_BIN_DIR, 'llama-parallel');

// llama-parallel's built-in system prompt (k_system in examples/parallel/parallel.cpp of the same source)
function kSystem() {
  const src = fs.readFileSync(path.join(LLAMA_BIN_DIR, '..', '..', 'examples', 'parallel', 'parallel.cpp'), 'utf8');
  const m = /k_system\s*=\s*R"\(([\s\S]*?)\)";/.exec(src);
  if (!m) throw new Error('k_system not found in examples/parallel/parallel.cpp');
  return m[1];
}

function runLlamaParallel(promptFile) {
  const args = ['-m', modelPath, '-np', String(parallel), '-ns', String(nSeq), '-pps', '-f', promptFile, '-n', String(predict),
    '--temp', '0', '-fa', 'off', '-c', String(ctxPerSeq * (parallel + 1)), '-t', String(threads), '-tb', String(threads), '--junk', '1'];
  const t0 = Date.now();
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`llama-parallel failed (${r.status}): ${(r.stderr || '').slice(-2000)}`);
  const out = `${r.stdout}\n${r.stderr}`;
  const gen = /Total gen tokens:\s+(\d+), speed:\s+([\d.]+) t\/s/.exec(out);
  const system = /system tokens = (\d+)/.exec(out);
  const pairs = [];
  const re = /Client\s+\d+, seq\s+\d+\/\s*\d+, prompt\s+(\d+) t, response\s+(\d+) t, time\s+([\d.]+) s[^\n]*\n\nInput:\s+([^\n]*)\n\x1b\[35mResponse: ([\s\S]*?)\x1b\[0m/g;
  for (let m; (m = re.exec(out)); ) pairs.push({ promptTokens: +m[1], responseTokens: +m[2], seconds: +m[3], input: m[4], response: m[5] });
  if (pairs.length !== nSeq) throw new Error(`unexpected llama-parallel output (${pairs.length} responses):\n${out.slice(-3000)}`);
  const wallMs = Date.now() - t0;
  // its summary line when printed (it sometimes is not); else its responses over the process's wall time
  const genTokens = gen ? +gen[1] : pairs.reduce((a, p) => a + p.responseTokens, 0);
  return { genTokens, tokPerS: gen ? +gen[2] : genTokens / (wallMs / 1000), fromSummary: !!gen, systemTokens: system ? +system[1] : null, pairs, wallMs };
}

async function main() {
  header(`batched generation: densebench's generator vs llama-parallel (${path.basename(modelPath)})`);
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run node infra/llama-tools/build.js`);
  const { loadNativeLlama } = dist('libs/inference/src/llama-cpp/native-binding');
  const model = await loadNativeLlama().loadModel(modelPath);
  // llama-parallel writes special tokens' text (<s>, </s>); ours leaves them out of the text
  const specials = [model.info().eos, model.info().bos].filter((t) => t >= 0).map((t) => model.tokenToPiece(t, true)).filter(Boolean);
  const plain = (text) => specials.reduce((t, sp) => t.split(sp).join(''), text).trim();
  // questions: the first sentences of TinyStories stories, one a line (llama-parallel's -f)
  const stories = fs.readFileSync(path.join(DATA_DIR, 'tinystories', 'tinystories_val_first1000.txt'), 'utf8').split('<|endoftext|>');
  const questions = stories.slice(0, 40).map((s) => s.trim().split('.')[0].replace(/\s+/g, ' ').trim() + '?');
  const promptFile = path.join(os.tmpdir(), `densebench-gen-bench-${process.pid}.txt`);
  fs.writeFileSync(promptFile, questions.join('\n'));
  const system = model.tokenize(kSystem(), true, false);
  console.log(`${nSeq} requests, ${parallel} parallel sequences, context ${ctxPerSeq} per sequence, greedy, at most ${predict} tokens, stop "User:", ` +
    `system prompt ${system.length} tokens shared, flash attention off, per-sequence KV, ${threads} thread(s), ${reps} reps\n`);

  const theirs = [];
  const ours = [];
  let sameOutputs = null;
  for (let rep = 0; rep < reps; rep++) {
    // llama.cpp's asynchronous logger sometimes loses the last lines at exit: run again then
    let lp;
    for (let attempt = 1; !lp; attempt++) {
      try {
        lp = runLlamaParallel(promptFile);
      } catch (err) {
        if (attempt >= 4 || !/unexpected llama-parallel output/.test(err.message)) throw err;
        console.log(`llama-parallel's log was cut short (attempt ${attempt}); running it again`);
      }
    }
    if (lp.systemTokens !== null && lp.systemTokens !== system.length) throw new Error(`system prompt: ${lp.systemTokens} tokens there, ${system.length} here`);
    theirs.push(lp);
    // the same requests, in llama-parallel's order: system tokens (with BOS), then the client's part without BOS
    const reqs = lp.pairs.map((p) => ({
      prompt: Int32Array.from([...system, ...model.tokenize(`User:\n${p.input}\nAssistant:\n`, false, false)]),
      maxTokens: predict + 1, // llama-parallel samples n_predict + 1 tokens (it stops once n_predict were fed back)
      temperature: 0,
      stop: ['User:'],
    }));
    const ctx = model.createContext({ contextSize: ctxPerSeq, sequences: parallel, threads, unifiedKv: false, flashAttention: false });
    const t0 = performance.now();
    const res = await ctx.generate(reqs);
    const wallMs = performance.now() - t0;
    ctx.dispose();
    // llama-parallel's "gen tokens": sampled tokens fed back to the model (all but the last sampled one)
    const genTokens = res.results.reduce((a, r) => a + r.tokens.length + (r.finishReason === 'eog' ? 1 : 0) - 1, 0);
    ours.push({ genTokens, tokPerS: genTokens / (wallMs / 1000), wallMs, latencies: res.results.map((r) => r.totalMs), ttfts: res.results.map((r) => r.ttftMs), reused: res.reusedTokens });
    const mismatches = lp.pairs.filter((p, i) => plain(p.response) !== res.results[i].text.trim());
    sameOutputs = (sameOutputs ?? 0) + mismatches.length;
    if (rep === 0 && mismatches.length) {
      const i = lp.pairs.indexOf(mismatches[0]);
      console.log(`first differing output (#${i}), last characters:\n  llama.cpp: ${JSON.stringify(mismatches[0].response.slice(-160))}\n  ours:      ${JSON.stringify(res.results[i].text.slice(-160))}`);
    }
  }
  fs.rmSync(promptFile, { force: true });

  const t = median(theirs.map((x) => x.tokPerS));
  const o = median(ours.map((x) => x.tokPerS));
  const theirLat = theirs.flatMap((x) => x.pairs.map((p) => p.seconds * 1000));
  const ourLat = ours.flatMap((x) => x.latencies);
  console.log('\n                      output tok/s   gen tokens   latency/sample ms: median    p90');
  console.log(`llama-parallel        ${t.toFixed(0).padStart(12)}   ${String(theirs[0].genTokens).padStart(10)}   ${median(theirLat).toFixed(0).padStart(24)} ${percentile(theirLat, 90).toFixed(0).padStart(6)}`);
  console.log(`densebench generator  ${o.toFixed(0).padStart(12)}   ${String(ours[0].genTokens).padStart(10)}   ${median(ourLat).toFixed(0).padStart(24)} ${percentile(ourLat, 90).toFixed(0).padStart(6)}`);
  console.log(`(llama-parallel's own summary line used in ${theirs.filter((x) => x.fromSummary).length} of ${reps} runs; else its tokens over its process wall time)`);
  console.log(`\nratio ours / llama.cpp: ${(o / t).toFixed(2)} (target >= 0.8; per rep: ${ours.map((x, i) => (x.tokPerS / theirs[i].tokPerS).toFixed(2)).join(', ')})`);
  console.log(`same outputs: ${nSeq * reps - sameOutputs} of ${nSeq * reps} (greedy; trimmed text, special tokens' text removed from llama-parallel's)`);
  console.log(`prompt tokens taken from the cache (ours, per run): ${ours[0].reused}; time to first token median ${median(ours[0].ttfts).toFixed(0)} ms`);
  model.dispose();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
