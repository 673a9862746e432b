#!/usr/bin/env node
'use strict';
/*
 * Engine-ceiling benchmark: how close does densebench's llama.cpp addon get to llama.cpp itself?
 *
 *   npm run build:native && node bench/engine-ceiling/run.js [--reps 5] [--chunks N] [--threads N] [--naive-chunks 2] [--unified]
 *
 * Scores the TinyStories text in 128-token chunks exactly as `llama-perplexity -c 128` does (first
 * token of each chunk replaced by BOS, only the second half of each chunk scored) with
 *   1. our addon (Context.score, 16 sequences, batch 2048, per-sequence KV caches - the same
 *      configuration llama-perplexity uses; --unified uses the addon's default unified KV cache),
 *   2. llama.cpp's own `llama-perplexity -c 128` (timed from its "calculating perplexity" log line
 *      to its "Final estimate" line, so model load and tokenization are excluded on both sides),
 * alternating, --reps times, and prints the median scored tokens/s of each (per wall-clock second,
 * and per CPU second, which is steadier on a shared machine), the ratios and both perplexities. It also times node-llama-cpp's convenience path (controlledEvaluate with per-position
 * probabilities) on --naive-chunks chunks, in a child process, for the "naive" ratio.
 *
 * Env: DENSEBENCH_MODELS_DIR (default ../shared/models), DENSEBENCH_DATA_DIR (default ../shared/data),
 *      LLAMA_CPP_BIN_DIR (directory of llama-perplexity; default ~/.cache/densebench/llama.cpp/build/bin),
 *      BENCH_MODEL (default <models>/stories260K.gguf).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');
const { MODELS_DIR, DATA_DIR, LLAMA_BIN_DIR, arg, loadAddon, median } = require('../lib/common');

const N_CTX = 128;
const FIRST = N_CTX / 2;
const SCORED_PER_CHUNK = N_CTX - FIRST - 1;

const modelPath = process.env.BENCH_MODEL || path.join(MODELS_DIR, 'stories260K.gguf');
const textPath = path.join(DATA_DIR, 'tinystories', 'tinystories_val_first1000.txt');
const binDir = LLAMA_BIN_DIR;
const reps = arg('reps', 5);
const maxChunks = arg('chunks', Infinity);
const threads = arg('threads', os.availableParallelism ? os.availableParallelism() : os.cpus().length);
const naiveChunks = arg('naive-chunks', 2);

/** The chunks llama-perplexity scores: BOS first, prefix = positions 0..FIRST, continuation = the rest. */
function perplexityGroups(tokens, bos, nChunk) {
  const groups = [];
  for (let i = 0; i < nChunk; i++) {
    const chunk = tokens.slice(i * N_CTX, (i + 1) * N_CTX);
    chunk[0] = bos;
    groups.push({ prefix: chunk.slice(0, FIRST + 1), continuations: [chunk.slice(FIRST + 1)] });
  }
  return groups;
}

async function runOurs(ctx, groups) {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const r = await ctx.score(groups);
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  let nll = 0;
  let n = 0;
  for (const g of r.results) for (const lp of g[0].logprobs) { nll -= lp; n++; }
  return { sec, tokps: n / sec, cpuTokps: n / cpuSec, ppl: Math.exp(nll / n), decodedTokens: r.decodedTokens };
}

function parseStamp(line) {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(line);
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) / 1e3 + Number(m[4]) / 1e6 : NaN;
}

// llama.cpp's asynchronous logger sometimes loses its last lines at exit; retry such runs.
async function runLlamaPerplexity(exe, nChunk, attempts = 5) {
  for (let i = 1; ; i++) {
    try {
      return await runLlamaPerplexityOnce(exe, nChunk);
    } catch (e) {
      if (i >= attempts || !e.truncatedLog) throw e;
    }
  }
}

function runLlamaPerplexityOnce(exe, nChunk) {
  return new Promise((resolve, reject) => {
    const args = ['-m', modelPath, '-f', textPath, '-c', String(N_CTX), '--chunks', String(nChunk),
      '-t', String(threads), '-tb', String(threads), '--log-timestamps'];
    // run through sh so that its `times` builtin reports the child's CPU time
    const p = spawn('sh', ['-c', '"$0" "$@"; status=$?; times; exit $status', exe, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const lines = out.split('\n');
      const start = lines.find((l) => l.includes('calculating perplexity over'));
      const end = lines.find((l) => l.includes('Final estimate'));
      const ppl = /PPL = ([\d.]+)/.exec(end || '');
      if (code !== 0 || !start || !end || !ppl) {
        const err = new Error(`llama-perplexity failed (exit ${code}):\n${out.slice(-2000)}`);
        err.truncatedLog = code === 0 && !!start;
        return reject(err);
      }
      const sec = parseStamp(end) - parseStamp(start);
      // CPU time of the whole process minus the (single-threaded) load + tokenize phase before scoring
      const times = [...out.matchAll(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s/g)].pop();
      const childCpu = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : NaN;
      const cpuSec = childCpu - parseStamp(start);
      const n = nChunk * SCORED_PER_CHUNK;
      resolve({ sec, tokps: n / sec, cpuTokps: n / cpuSec, ppl: Number(ppl[1]) });
    });
  });
}

/** node-llama-cpp controlledEvaluate with per-position probabilities (child process, see --naive-child). */
async function naiveChild() {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath });
  const ctx = await model.createContext({ contextSize: N_CTX, sequences: 1, threads });
  const seq = ctx.getSequence();
  const tokens = Array.from(model.tokenize(fs.readFileSync(textPath, 'utf8'), false));
  const all = [model.tokens.bos, ...tokens];
  let nll = 0;
  let n = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < naiveChunks; i++) {
    const chunk = all.slice(i * N_CTX, (i + 1) * N_CTX);
    chunk[0] = model.tokens.bos;
    await seq.clearHistory();
    const input = chunk.slice(0, N_CTX - 1).map((t, k) => (k >= FIRST ? [t, { generateNext: { probabilities: true } }] : t));
    const res = await seq.controlledEvaluate(input);
    for (let k = FIRST; k < N_CTX - 1; k++) {
      nll -= Math.log(res[k].next.probabilities.get(chunk[k + 1]));
      n++;
    }
  }
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(JSON.stringify({ sec, tokps: n / sec, ppl: Math.exp(nll / n), msPerPosition: (sec * 1000) / n }));
  await ctx.dispose();
  await model.dispose();
}

async function main() {
  const exe = path.join(binDir, 'llama-perplexity');
  if (!fs.existsSync(exe)) throw new Error(`llama-perplexity not found in ${binDir} (set LLAMA_CPP_BIN_DIR)`);
  const addon = loadAddon();
  const model = await addon.loadModel(modelPath);
  const info = model.info();
  const tokens = model.tokenize(fs.readFileSync(textPath, 'utf8'), true, false);
  const nChunk = Math.min(Math.floor(tokens.length / N_CTX), maxChunks);
  const groups = perplexityGroups(tokens, info.bos, nChunk);
  // per-sequence KV caches, as llama-perplexity uses for perplexity (it unifies them only for
  // HellaSwag-style shared prefixes); --unified measures the addon's default unified cache instead
  const unifiedKv = process.argv.includes('--unified');
  const ctx = model.createContext({ contextSize: N_CTX, sequences: 16, batchSize: 2048, threads, unifiedKv });
  console.log(`model ${path.basename(modelPath)} (${info.nParams} params, vocab ${info.nVocab}); ` +
    `${tokens.length} tokens, ${nChunk} chunks of ${N_CTX}, ${nChunk * SCORED_PER_CHUNK} scored tokens; ` +
    `threads ${threads}; ${unifiedKv ? 'unified' : 'per-sequence'} KV cache; ${reps} reps`);
  await ctx.score(groups.slice(0, 16)); // warm-up

  const ours = [];
  const ref = [];
  for (let r = 0; r < reps; r++) {
    const order = r % 2 === 0 ? ['ours', 'ref'] : ['ref', 'ours'];
    for (const which of order) {
      const res = which === 'ours' ? await runOurs(ctx, groups) : await runLlamaPerplexity(exe, nChunk);
      (which === 'ours' ? ours : ref).push(res);
      console.log(`  rep ${r + 1} ${which === 'ours' ? 'densebench addon ' : 'llama-perplexity '}` +
        `${res.tokps.toFixed(0).padStart(8)} scored tok/s  ${res.cpuTokps.toFixed(0).padStart(8)} per CPU-s  ` +
        `(${res.sec.toFixed(2)} s, PPL ${res.ppl.toFixed(4)})`);
    }
  }
  const oursMed = median(ours.map((x) => x.tokps));
  const refMed = median(ref.map((x) => x.tokps));
  const oursCpu = median(ours.map((x) => x.cpuTokps));
  const refCpu = median(ref.map((x) => x.cpuTokps));

  let naive = null;
  if (naiveChunks > 0) {
    const child = spawnSync(process.execPath, [__filename, '--naive-child', '--naive-chunks', String(naiveChunks),
      '--threads', String(threads)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (child.status === 0) naive = JSON.parse(child.stdout.trim().split('\n').pop());
    else console.log(`  node-llama-cpp naive run failed: ${child.stderr.slice(-1000)}`);
  }
  const oursNaiveSubset = await runOurs(ctx, groups.slice(0, Math.max(1, naiveChunks)));

  console.log('\nresults (median of reps; scored tokens per wall-clock second and per CPU second):');
  console.log(`  densebench addon        ${oursMed.toFixed(0).padStart(8)} tok/s  ${oursCpu.toFixed(0).padStart(8)} tok/CPU-s   PPL ${ours[0].ppl.toFixed(4)}`);
  console.log(`  llama-perplexity -c 128 ${refMed.toFixed(0).padStart(8)} tok/s  ${refCpu.toFixed(0).padStart(8)} tok/CPU-s   PPL ${ref[0].ppl.toFixed(4)}`);
  console.log(`  ratio addon / llama.cpp ${(oursMed / refMed).toFixed(3)} wall-clock, ${(oursCpu / refCpu).toFixed(3)} CPU time  (target >= 0.8)`);
  console.log(`  PPL relative difference ${((Math.abs(ours[0].ppl - ref[0].ppl) / ref[0].ppl) * 100).toFixed(4)} %`);
  if (naive) {
    console.log(`  node-llama-cpp controlledEvaluate (${naiveChunks} chunks): ${naive.tokps.toFixed(1)} tok/s, ` +
      `${naive.msPerPosition.toFixed(2)} ms per scored position, PPL ${naive.ppl.toFixed(4)} ` +
      `(addon on the same chunks: PPL ${oursNaiveSubset.ppl.toFixed(4)})`);
    console.log(`  ratio addon / node-llama-cpp convenience path ${(oursMed / naive.tokps).toFixed(0)}x`);
  }
  ctx.dispose();
  model.dispose();
}

if (process.argv.includes('--naive-child')) {
  naiveChild().catch((e) => { console.error(e); process.exit(1); });
} else {
  main().catch((e) => { console.error(e); process.exit(1); });
}
