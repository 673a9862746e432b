#!/usr/bin/env node
'use strict';
/*
 * The control plane at fleet scale: --workers simulated worker agents (registered through the API, each
 * with its own credential) heartbeating every --period seconds (open loop, jittered: the fleet's rate is
 * workers / period) while others claim the shards of a large run, all from this one process over at most
 * --sockets keep-alive connections on loopback. Reports heartbeat and claim latency (p50, p99, max), the
 * rate achieved and the api's CPU.
 *
 *   npm run build:ts && node bench/control-plane/run.js [--workers 10000] [--period 5] [--duration 30]
 *                                                       [--warmup 10] [--sockets 256] [--claims-per-s 50] [--shards 20000] [--cpu-prof DIR]
 *
 * The stack is the embedded one (api + results processes, machine Postgres and Redis) with no worker
 * process: the claims go straight to POST /v1/shards/:id/claim for the shards of one run (hellaswag
 * documents, shard size 1, on a pool no real worker serves), as a worker does when it takes a job.
 * Latency is measured from the moment a request was due, so a saturated api shows as queueing time.
 */
const http = require('node:http');
const { arg, header, percentile, fmt, cpuSeconds } = require('../lib/common');
const { startBenchStack } = require('../lib/stack');

const nWorkers = arg('workers', 10000);
const periodS = arg('period', 5);
const durationS = arg('duration', 30);
const warmupS = arg('warmup', 10);
const sockets = arg('sockets', 256);
const claimsPerS = arg('claims-per-s', 50);
const nShards = arg('shards', 20000);
const cpuProfDir = arg('cpu-prof', '');
const TOKEN = 'bench-enrollment-token-0123456789';

function requester(base) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const u = new URL(base);
  return (method, path, body, auth) =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = http.request(
        { agent, host: u.hostname, port: u.port, method, path, headers: { 'content-type': 'application/json', ...(data ? { 'content-length': data.length } : {}), ...(auth ? { authorization: `Bearer ${auth}` } : {}) } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode >= 300) reject(new Error(`${method} ${path} → ${res.statusCode}: ${text.slice(0, 300)}`));
            else resolve(text ? JSON.parse(text) : {});
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
}

/** The api's event-loop delay since the previous scrape (prom-client resets it) and its GC pauses so far, from /metrics. */
async function apiStats(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name) => Number((text.match(new RegExp(`^densebench_api_${name} (\\S+)`, 'm')) ?? [])[1]);
  const gc = {};
  for (const m of text.matchAll(/^densebench_api_nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} (\S+)/gm)) {
    gc[m[2]] ??= [0, 0];
    gc[m[2]][m[1] === 'sum' ? 0 : 1] = Number(m[3]);
  }
  return { lagP99: value('nodejs_eventloop_lag_p99_seconds'), lagMax: value('nodejs_eventloop_lag_max_seconds'), gc };
}

async function pool(n, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) await fn(next++); }));
}

async function main() {
  header(`control plane: ${nWorkers} workers heartbeating every ${periodS} s (${fmt(nWorkers / periodS, 0)}/s) + ${claimsPerS} claims/s, ${durationS} s measured after ${warmupS} s, ≤ ${sockets} sockets`);
  // /metrics open: the api's own event-loop delay and GC pauses in the window are scraped from it.
  const env = { ENROLLMENT_TOKEN: TOKEN, LOG_LEVEL: 'warn', API_OPEN_ENDPOINTS: 'health,metrics' };
  if (cpuProfDir) {
    // Node 20 refuses --cpu-prof in NODE_OPTIONS: profile the api process through the preload instead
    Object.assign(env, {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${require('node:path').join(__dirname, '..', 'lib', 'cpu-prof-preload.js')}`.trim(),
      BENCH_CPU_PROF_DIR: require('node:path').resolve(cpuProfDir),
      BENCH_CPU_PROF_MATCH: 'apps/api/',
    });
  }
  const bench = await startBenchStack({ name: 'control_plane', workers: 0, env });
  const apiPid = bench.stack.processes.find((p) => p.name === 'api').pid;
  const call = requester(bench.stack.apiUrl);
  try {
    let t0 = performance.now();
    const creds = new Array(nWorkers);
    await pool(nWorkers, 32, async (i) => {
      const r = await call('POST', '/v1/workers/register', { enrollmentToken: TOKEN, name: `sim-${i}`, pools: ['sim'], backends: ['llama-cpp'] });
      creds[i] = { id: r.workerId, credential: r.credential };
    });
    console.log(`setup: ${nWorkers} workers registered in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const modelId = await bench.api.model('stories260K', 'stories260K.gguf', 292800);
    t0 = performance.now();
    const run = await bench.api.post('/v1/runs', { modelId, pool: 'nobody', benchmarks: [{ name: 'hellaswag', limit: nShards }], shardSize: 1 });
    const shardIds = (await bench.db.query('SELECT id FROM shards WHERE run_id = $1 ORDER BY shard_index', [run.id])).rows.map((r) => r.id);
    console.log(`setup: run of ${shardIds.length} shards submitted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    let hb = [];
    let claims = [];
    const errors = [];
    const timers = [];
    // The fleet runs --warmup s before the measured window (every worker's first beat lands in the first period, and
    // the api's code paths are cold): a fleet in its steady state is what is measured.
    const measureFrom = performance.now() + warmupS * 1000;
    const stopAt = measureFrom + durationS * 1000;
    let cpu0 = 0;
    let self0 = null;
    // The simulator's own stalls (its GC, timers) would count as the api's latency: measured, and printed.
    const loopDelay = require('node:perf_hooks').monitorEventLoopDelay({ resolution: 5 });
    let apiStats0 = null;
    let apiStats1 = null;
    timers.push(setTimeout(() => {
      apiStats(bench.stack.apiUrl).then((s) => (apiStats0 = s), () => {});
      cpu0 = cpuSeconds(apiPid);
      self0 = process.cpuUsage();
      loopDelay.enable();
    }, warmupS * 1000));
    // Heartbeats: worker i is due at a random offset in the first period, then every period.
    for (const [i, w] of creds.entries()) {
      const beat = (due) => {
        if (due > stopAt) return;
        timers.push(setTimeout(() => {
          call('POST', `/v1/workers/${w.id}/heartbeat`, { currentShardId: null, info: { gpu: 'sim' } }, w.credential)
            .then(() => hb.push([performance.now() - due, performance.now(), due]), (e) => errors.push(e.message));
          beat(due + periodS * 1000);
        }, Math.max(0, due - performance.now())));
      };
      beat(performance.now() + Math.random() * periodS * 1000);
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    // Claims: evenly spaced, each by a random simulated worker, each shard once.
    let nextShard = 0;
    const claimEvery = 1000 / claimsPerS;
    const claimStart = performance.now();
    for (let due = claimStart; due < stopAt && nextShard < shardIds.length; due += claimEvery) {
      const id = shardIds[nextShard++];
      const w = creds[(Math.random() * creds.length) | 0];
      timers.push(setTimeout(() => {
        call('POST', `/v1/shards/${id}/claim`, undefined, w.credential).then((r) => {
          if (!r.proceed) errors.push(`claim refused: ${r.reason}`);
          claims.push([performance.now() - due, performance.now(), due]);
        }, (e) => errors.push(e.message));
      }, due - performance.now()));
    }
    timers.push(setTimeout(() => apiStats(bench.stack.apiUrl).then((s) => (apiStats1 = s), () => {}), (warmupS + durationS) * 1000));
    await new Promise((r) => setTimeout(r, (warmupS + durationS) * 1000 + 200));
    // Requests still in flight finish (their latency counts); none are started after the end.
    for (const t of timers) clearTimeout(t);
    const expected = Math.round((nWorkers / periodS) * (warmupS + durationS));
    for (let waited = 0; hb.length + errors.length < expected * 0.98 && waited < 60_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
    const wall = (performance.now() - measureFrom) / 1000;
    // Only requests due in the measured window count.
    const inWindow = (xs) => xs.filter((x) => x[2] >= measureFrom);
    hb = inWindow(hb);
    claims = inWindow(claims);
    const apiCpu = (cpuSeconds(apiPid) - cpu0) / wall;
    const selfCpu = (process.cpuUsage(self0).user + process.cpuUsage(self0).system) / 1e6 / wall;
    const p = (xs, q) => fmt(percentile(xs.map((x) => x[0]), q), 1);
    // Served: completed within the measured window (the rest completed while the backlog drained).
    const served = (xs) => fmt(xs.filter((x) => x[1] <= stopAt).length / durationS, 0);
    const max = (xs) => fmt(Math.max(...xs.map((x) => x[0])), 0);
    console.log();
    console.log(`| what | n | served /s (due /s) | p50 ms | p99 ms | max ms |`);
    console.log(`|---|---:|---:|---:|---:|---:|`);
    console.log(`| heartbeat | ${hb.length} | ${served(hb)} (${fmt(nWorkers / periodS, 0)}) | ${p(hb, 50)} | ${p(hb, 99)} | ${max(hb)} |`);
    console.log(`| claim | ${claims.length} | ${served(claims)} (${claimsPerS}) | ${p(claims, 50)} | ${p(claims, 99)} | ${max(claims)} |`);
    // CPU per request holds under load (wall latency does not): what the api would need to serve the fleet alone.
    const perRequestMs = (apiCpu * wall * 1000) / Math.max(1, hb.length + claims.length);
    // By when requests were due (5 s slices of the window): a stall shows where it happened.
    const t0w = measureFrom;
    const slices = [];
    for (let a = 0; a < durationS; a += 5) {
      const inSlice = hb.filter((x) => x[2] - t0w >= a * 1000 && x[2] - t0w < (a + 5) * 1000);
      if (inSlice.length) slices.push(`${a}–${Math.min(a + 5, durationS)} s: p50 ${p(inSlice, 50)} / p99 ${p(inSlice, 99)}`);
    }
    console.log(`heartbeat latency by when due: ${slices.join('; ')}`);
    loopDelay.disable();
    console.log(`simulator event-loop delay: p99 ${fmt(loopDelay.percentile(99) / 1e6, 1)} ms, max ${fmt(loopDelay.max / 1e6, 1)} ms`);
    if (apiStats0 && apiStats1) {
      const gc = Object.keys(apiStats1.gc).map((k) => {
        const [s1, n1] = apiStats1.gc[k];
        const [s0, n0] = apiStats0.gc[k] ?? [0, 0];
        return `${k} ${n1 - n0}× ${fmt((s1 - s0) * 1000, 0)} ms`;
      });
      console.log(`api event-loop delay in the window: p99 ${fmt(apiStats1.lagP99 * 1000, 1)} ms, max ${fmt(apiStats1.lagMax * 1000, 1)} ms; GC: ${gc.join(', ')}`);
    }
    console.log(`backlog drained ${fmt(wall - durationS, 1)} s after the window; api CPU ${(apiCpu * 100).toFixed(0)}% (${perRequestMs.toFixed(2)} ms per request), this process (simulator + S3 server) ${(selfCpu * 100).toFixed(0)}% of one core; errors ${errors.length}${errors.length ? ` (first: ${errors[0]})` : ''}; load ${require('node:os').loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await bench.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
