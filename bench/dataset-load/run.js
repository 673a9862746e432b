#!/usr/bin/env node
'use strict';
/*
 * A worker's first load of a dataset: HellaSwag's validation file is bzip2 (1.9 MB → 7.8 MB), decoded
 * once per worker process before its first HellaSwag shard. Side by side, alternating, in one run:
 *   - bzip2 decoding alone: the system's bzip2 program vs unbzip2-stream (JavaScript, on the event loop);
 *   - the whole first load (TaskRegistry: read, decode, parse, preprocess, then prepare 600 documents)
 *     in a fresh process, with bzip2 on PATH (what the worker does) and without it (the fallback).
 * Each reports its median wall time and the longest event-loop stall (BullMQ renews shard locks from
 * that loop).
 *
 *   npm run build:ts && node bench/dataset-load/run.js [--reps 5]
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const { REPO, DATA_DIR, arg, header, dist, median, fmt } = require('../lib/common');

const reps = arg('reps', 5);
const FILE = path.join(DATA_DIR, 'hellaswag', 'hellaswag_val_full.txt.bz2');

/** Runs fn once, timing it and the longest event-loop stall meanwhile. */
async function timed(fn) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  h.disable();
  return { ms, stallMs: h.max / 1e6 };
}

/** The first HellaSwag load of a fresh process; without bzip2 on PATH when bare. */
function firstLoad(bare) {
  const script = `
    const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
    const { TaskRegistry } = require(${JSON.stringify(path.join(REPO, 'dist', 'libs', 'benchmarks', 'src', 'registry'))});
    (async () => {
      const h = monitorEventLoopDelay({ resolution: 10 }); h.enable();
      const r = new TaskRegistry(${JSON.stringify(DATA_DIR)});
      const t0 = performance.now();
      await r.envelope('hellaswag');
      await r.prepare('hellaswag', 0, 600, { seed: 1234 });
      console.log(JSON.stringify({ ms: performance.now() - t0, stallMs: h.max / 1e6 }));
    })();`;
  const env = { ...process.env, PATH: bare ? '/nonexistent' : process.env.PATH };
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }).trim().split('\n').pop());
}

(async () => {
  header('A worker\'s first load of HellaSwag: system bzip2 vs unbzip2-stream');
  const { bunzip2, hasSystemBzip2 } = dist('libs/benchmarks/src/data/bzip2');
  if (!hasSystemBzip2()) throw new Error('no bzip2 program on PATH: install it (Debian package bzip2)');
  const bytes = fs.readFileSync(FILE);
  const r = { decodeSystem: [], decodeJs: [], loadSystem: [], loadJs: [] };
  for (let i = 0; i < reps; i++) {
    r.decodeSystem.push(await timed(() => bunzip2(bytes, 'system')));
    r.decodeJs.push(await timed(() => bunzip2(bytes, 'js')));
    r.loadSystem.push(firstLoad(false));
    r.loadJs.push(firstLoad(true));
  }
  const med = (xs, k) => median(xs.map((x) => x[k]));
  const row = (what, sys, js) =>
    console.log(`| ${what} | ${fmt(med(sys, 'ms'))} ms (stall ${fmt(med(sys, 'stallMs'))} ms) | ${fmt(med(js, 'ms'))} ms (stall ${fmt(med(js, 'stallMs'))} ms) | ${fmt(med(js, 'ms') / med(sys, 'ms'), 2)}× |`);
  console.log(`\nmedians of ${reps} alternating reps; ${fmt(bytes.length)} bytes of bzip2\n`);
  console.log('| | system bzip2 | unbzip2-stream | speed-up |');
  console.log('|---|---|---|---|');
  row('decode the file', r.decodeSystem, r.decodeJs);
  row('first load + prepare 600 docs (fresh process)', r.loadSystem, r.loadJs);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
