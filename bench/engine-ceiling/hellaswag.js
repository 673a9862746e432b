#!/usr/bin/env node
'use strict';
/*
 * Engine ceiling on HellaSwag: llama.cpp's own `llama-perplexity --hellaswag` against densebench's
 * llama.cpp backend on the same model and the same items.
 *
 *   npm run build && npm run bench:engine-hellaswag -- [--items 2000] [--reps 3] [--np 4,32] [--threads N]
 *
 * Data: ../shared/data/hellaswag/hellaswag_val_full.txt.bz2 (llama.cpp's text format, 6 lines per item),
 * decompressed into a temporary file holding the first --items items, so that llama-perplexity
 * (--hellaswag-tasks = items) scores exactly those (in its own shuffled order).
 *
 * Scoring as llama.cpp's hellaswag_score (tools/perplexity/perplexity.cpp): each ending is tokenized as
 * BOS + context + " " + ending; the tokens the four sequences share (common prefix) are the context;
 * an ending's score is the mean log-prob of its tokens after that prefix; the item is right when the
 * gold ending has the highest mean (an acc_norm normalized by token count). We compute the same
 * thing with:
 *   - "addon": the native addon the backend runs (Context.score, the backend's context settings:
 *     unified KV cache, 8 sequences, 256 groups per call), groups = (common prefix, 4 endings);
 *   - "backend": LlamaCppBackend.loglikelihood on lm-eval's requests (context, " " + ending), the
 *     service's path (tokenization in JS, lm-eval's context/continuation split), items/s only; its
 *     mean-log-prob accuracy differs slightly because lm-eval splits where the context ends, not at
 *     the common prefix.
 * Reported: scored tokens/s (ending tokens whose log-prob is computed) and items/s of each, the
 * ratios, the accuracies (must agree) and the mean log-prob per scored token (within 0.1 %).
 * llama-perplexity is timed from its "calculating hellaswag score" log line to its exit (model load
 * and tokenization excluded; its exit is included), our side likewise (tokenization excluded).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { MODELS_DIR, DATA_DIR, LLAMA_BIN_DIR, REPO, arg, header, loadAddon, median, fmt } = require('../lib/common');

const items = arg('items', 2000);
const reps = arg('reps', 3);
const threads = arg('threads', os.availableParallelism ? os.availableParallelism() : os.cpus().length);
const npList = String(arg('np', '4,32')).split(',').map(Number);
const modelPath = process.env.BENCH_MODEL || path.join(MODELS_DIR, 'stories260K.gguf');

function hellaswagFile() {
  const src = path.join(DATA_DIR, 'hellaswag', 'hellaswag_val_full.txt.bz2');
  const text = execFileSync('bzip2', ['-dc', src], { maxBuffer: 1 << 30 }).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const n = Math.min(items, lines.length / 6);
  const file = path.join(os.tmpdir(), `densebench-hellaswag-${n}-${process.pid}.txt`);
  fs.writeFileSync(file, `${lines.slice(0, n * 6).join('\n')}\n`);
  const tasks = [];
  for (let i = 0; i < n * 6; i += 6) tasks.push({ context: lines[i], gold: Number(lines[i + 1]), endings: lines.slice(i + 2, i + 6) });
  return { file, tasks };
}

const stamp = (line) => {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(line);
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) / 1e3 + Number(m[4]) / 1e6 : NaN;
};

function runLlama(file, n, np, scored) {
  const exe = path.join(LLAMA_BIN_DIR, 'llama-perplexity');
  const args = ['-m', modelPath, '-f', file, '--hellaswag', '--hellaswag-tasks', String(n), '-np', String(np), '-c', '512',
    '-t', String(threads), '-tb', String(threads), '--log-timestamps'];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      const lines = out.split('\n');
      const start = lines.find((l) => l.includes('calculating hellaswag score over selected tasks'));
      const last = lines.filter((l) => new RegExp(`(^|\\s)${n}\\t[\\d.]+%\\t\\[`).test(l)).pop();
      if (code !== 0 || !start || !last) return reject(new Error(`llama-perplexity failed (exit ${code}):\n${out.slice(-3000)}`));
      // the task lines carry no timestamp: scoring time = the process's wall time minus the time
      // stamped on the "calculating" line (load and tokenization; the logger's clock starts with the process)
      const sec = (performance.now() - t0) / 1000 - stamp(start);
      const acc = Number(/\t([\d.]+)%\t\[/.exec(last)[1]) / 100;
      resolve({ sec, acc, tokps: scored / sec, itemsps: n / sec, np });
    });
  });
}

/** llama.cpp's hellaswag tokenization: BOS + context + " " + ending, common prefix of the four. */
function llamaGroups(model, tasks) {
  return tasks.map((t) => {
    const seqs = t.endings.map((e) => model.tokenize(`${t.context} ${e}`, true, false));
    let cp = 0;
    while (cp < seqs[0].length && seqs.every((s) => cp < s.length && s[cp] === seqs[0][cp])) cp++;
    return { prefix: seqs[0].slice(0, cp), continuations: seqs.map((s) => s.slice(cp)) };
  });
}

async function runAddon(ctx, groups, tasks) {
  const t0 = performance.now();
  const results = [];
  let decoded = 0;
  for (let i = 0; i < groups.length; i += 256) {
    const r = await ctx.score(groups.slice(i, i + 256));
    results.push(...r.results);
    decoded += r.decodedTokens;
  }
  const sec = (performance.now() - t0) / 1000;
  let right = 0;
  let sumLp = 0;
  let scored = 0;
  results.forEach((conts, i) => {
    const means = conts.map((c) => c.logprobs.reduce((a, b) => a + b, 0) / c.logprobs.length);
    for (const c of conts) for (const lp of c.logprobs) sumLp += lp;
    scored += conts.reduce((a, c) => a + c.logprobs.length, 0);
    let best = 0;
    for (let s = 1; s < means.length; s++) if (means[s] > means[best]) best = s;
    if (best === tasks[i].gold) right++;
  });
  return { sec, acc: right / tasks.length, tokps: scored / sec, itemsps: tasks.length / sec, meanLp: sumLp / scored, decoded };
}

async function main() {
  header(`engine ceiling on HellaSwag: llama-perplexity --hellaswag vs densebench (${path.basename(modelPath)})`);
  const { file, tasks } = hellaswagFile();
  const addon = loadAddon();
  const model = await addon.loadModel(modelPath);
  const info = model.info();
  const groups = llamaGroups(model, tasks);
  const scored = groups.reduce((a, g) => a + g.continuations.reduce((b, c) => b + c.length, 0), 0);
  // the backend's context (LlamaCppBackend.load): min(4096, n_ctx_train) per sequence, 8 sequences, unified KV cache
  const ctx = model.createContext({ contextSize: Math.min(4096, info.nCtxTrain), sequences: 8, threads });
  const ci = ctx.info();
  console.log(`${tasks.length} items, ${scored} scored ending tokens; threads ${threads}; ours: context ${ci.contextSize} x ${ci.sequences} seqs, batch ${ci.batchSize}/${ci.ubatchSize}, unified KV ${ci.unifiedKv}`);

  const { LlamaCppBackend } = require(path.join(REPO, 'dist', 'libs', 'inference', 'src', 'index'));
  const { TaskRegistry } = require(path.join(REPO, 'dist', 'libs', 'benchmarks', 'src', 'index'));
  const registry = new TaskRegistry(DATA_DIR);
  const prepared = await registry.prepare('hellaswag', 0, tasks.length);
  const requests = prepared.flatMap((s) => s.requests.map((r) => ({ context: r.context, continuation: r.continuation })));
  const backend = await LlamaCppBackend.load({ path: modelPath, sha256: 'bench' }, { threads });
  const runBackend = async () => {
    const t0 = performance.now();
    const res = await backend.loglikelihood(requests);
    const sec = (performance.now() - t0) / 1000;
    let right = 0;
    prepared.forEach((s, i) => {
      const means = res.slice(i * 4, i * 4 + 4).map((r) => r.logprob / r.continuationTokens);
      let best = 0;
      for (let k = 1; k < 4; k++) if (means[k] > means[best]) best = k;
      if (best === s.gold) right++;
    });
    const tokens = res.reduce((a, r) => a + r.continuationTokens, 0);
    return { sec, acc: right / prepared.length, tokps: tokens / sec, itemsps: prepared.length / sec };
  };
  await runAddon(ctx, groups.slice(0, 32), tasks.slice(0, 32)); // warm-up

  const res = { addon: [], backend: [] };
  for (const np of npList) res[`llama-np${np}`] = [];
  const kinds = Object.keys(res);
  for (let r = 0; r < reps; r++) {
    const order = r % 2 ? [...kinds].reverse() : kinds;
    for (const k of order) {
      const x = k === 'addon' ? await runAddon(ctx, groups, tasks) : k === 'backend' ? await runBackend() : await runLlama(file, tasks.length, Number(k.slice(8)), scored);
      res[k].push(x);
      console.log(`  rep ${r + 1} ${k.padEnd(12)} ${fmt(x.tokps).padStart(8)} scored tok/s ${fmt(x.itemsps, 1).padStart(7)} items/s (${x.sec.toFixed(2)} s) acc ${(x.acc * 100).toFixed(4)} %`);
    }
  }
  const med = (k, f) => median(res[k].map((x) => x[f]));
  const llamaKinds = kinds.filter((k) => k.startsWith('llama'));
  const best = llamaKinds.reduce((a, b) => (med(b, 'tokps') > med(a, 'tokps') ? b : a));
  console.log('\nresults (medians):');
  for (const k of kinds) console.log(`  ${k.padEnd(12)} ${fmt(med(k, 'tokps')).padStart(8)} scored tok/s ${fmt(med(k, 'itemsps'), 1).padStart(7)} items/s  acc ${(res[k][0].acc * 100).toFixed(2)} %`);
  console.log(`  ratio addon / llama.cpp (${best}, its fastest setting)   ${(med('addon', 'tokps') / med(best, 'tokps')).toFixed(3)}  (target >= 0.8)`);
  console.log(`  ratio backend / llama.cpp (${best}) items/s              ${(med('backend', 'itemsps') / med(best, 'itemsps')).toFixed(3)}`);
  const accDiff = Math.abs(res.addon[0].acc - res[best][0].acc);
  console.log(`  accuracy: addon ${(res.addon[0].acc * 100).toFixed(4)} %, llama.cpp ${(res[best][0].acc * 100).toFixed(4)} % (difference ${(accDiff * tasks.length).toFixed(0)} items)`);
  console.log(`  addon mean log-prob per scored token ${res.addon[0].meanLp.toFixed(6)}; decoded tokens ${res.addon[0].decoded}`);
  ctx.dispose();
  model.dispose();
  await backend.dispose();
  fs.rmSync(file, { force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
