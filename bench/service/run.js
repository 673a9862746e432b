#!/usr/bin/env node
'use strict';
/*
 * Whole service vs engine: HellaSwag items through the API (POST /v1/runs), the BullMQ queue, one
 * worker process (llama-cpp backend, stories260K) and ingestion into Postgres until the run is
 * finalized, against the same backend alone in this process on the same items (one
 * loglikelihood() call over every request, i.e. inference and tokenization only).
 *
 *   npm run build && npm run bench:service -- [--items 2000] [--reps 3] [--shard-size N] [--threads N] [--poll-ms 1000]
 *
 * Runs alternate (service, backend, service, …); the medians and their ratio are printed, and the
 * service's acc / acc_norm are checked against the scores of the backend-alone run. A service run
 * lasts from the POST to the run's finished_at; its timeline (from Postgres) shows where time went.
 */
const path = require('node:path');
const { MODELS_DIR, DATA_DIR, arg, header, dist, median, fmt, cpuSeconds } = require('../lib/common');
const { startBenchStack } = require('../lib/stack');

const items = arg('items', 2000);
const reps = arg('reps', 3);
const shardSize = arg('shard-size', 0);
const threads = arg('threads', 0);
const pollMs = arg('poll-ms', 1000);
const modelFile = 'stories260K.gguf';

async function main() {
  header(`whole service vs engine: ${items} HellaSwag items, ${modelFile}, 1 worker`);
  const { LlamaCppBackend } = dist('libs/inference/src/index');
  const { fileSha256 } = dist('libs/inference/src/model-files');
  const { TaskRegistry, scoreSampleSync } = dist('libs/benchmarks/src/index');

  const registry = new TaskRegistry(DATA_DIR);
  const prepared = await registry.prepare('hellaswag', 0, items, { seed: 1234 });
  const requests = prepared.flatMap((s) => s.requests.map((r) => ({ context: r.context, continuation: r.continuation })));
  const modelPath = path.join(MODELS_DIR, modelFile);
  const backend = await LlamaCppBackend.load({ path: modelPath, sha256: await fileSha256(modelPath, require('node:os').tmpdir()) }, { threads: threads || undefined });
  await backend.loglikelihood(requests.slice(0, 64));
  console.log(`backend: ${JSON.stringify({ contextSize: backend.info.contextSize, batchSize: backend.info.batchSize, sequences: backend.info.details.sequences, threads: backend.info.details.threads })}`);

  /** CPU seconds of this process (user + system), where the backend-alone side runs. */
  const ownCpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const engineAlone = async () => {
    const t0 = performance.now();
    const c0 = ownCpu();
    const res = await backend.loglikelihood(requests);
    const sec = (performance.now() - t0) / 1000;
    const cpu = { engine: ownCpu() - c0 };
    let k = 0;
    let acc = 0;
    let accNorm = 0;
    for (const s of prepared) {
      const r = scoreSampleSync(registry.get('hellaswag'), s, res.slice(k, k + s.requests.length), { latencyMs: 0 });
      k += s.requests.length;
      acc += r.metrics.acc;
      accNorm += r.metrics.acc_norm;
    }
    return { sec, itemsPerSec: items / sec, acc: acc / items, accNorm: accNorm / items, cpu };
  };

  const env = { WORKER_BACKENDS: 'llama-cpp', LOG_LEVEL: 'warn', ...(threads ? { WORKER_THREADS: String(threads) } : {}) };
  const bench = await startBenchStack({ name: 'service', workers: 1, env });
  try {
    const modelId = await bench.api.model('stories260K', modelFile, 292800);
    // CPU per process over a service run: the worker's against the backend alone's says whether inference
    // itself got dearer; the api's, results' and this process's (polls, the S3 server) what the service adds.
    const procs = [...bench.stack.processes.map((p) => ({ name: p.name, read: () => cpuSeconds(p.pid) })), { name: 'bench+s3', read: ownCpu }];
    const service = async () => {
      const cpu0 = procs.map((p) => p.read());
      const t0 = Date.now();
      const body = { modelId, benchmarks: [{ name: 'hellaswag', limit: items }], pool: 'cpu', ...(shardSize ? { shardSize } : {}) };
      const created = await bench.api.post('/v1/runs', body);
      // The end is the run's finished_at (same clock), so polling can be rare: each poll is an API
      // request and a query, CPU taken from the 2 cores the service runs on (50 ms polls cost ~5–10 %, BENCHMARKS.md item 2).
      const run = await bench.api.waitRun(created.id, { pollMs });
      const sec = (Date.parse(run.finishedAt) - t0) / 1000;
      if (run.status !== 'succeeded') throw new Error(`run ${run.id} ${run.status}: ${run.error}`);
      const m = run.benchmarks[0].metrics;
      const cpu = Object.fromEntries(procs.map((p, i) => [p.name, p.read() - cpu0[i]]));
      return { sec, itemsPerSec: items / sec, shards: created.shards, acc: m.acc.value, accNorm: m.acc_norm.value, timeline: await timeline(created.id), cpu };
    };
    /**
     * Where the service's time went, from Postgres: submit → first shard started (claimed), the spacing
     * of shard starts (one worker: a shard's inference plus the gap to the next claim), the last start →
     * the last shard ingested → the run finished.
     */
    const timeline = async (runId) => {
      const { rows: [r] } = await bench.db.query(
        `SELECT extract(epoch FROM min(s.started_at) - run.created_at) * 1000 AS first_start,
                extract(epoch FROM max(s.started_at) - min(s.started_at)) * 1000 / greatest(count(*) - 1, 1) AS spacing,
                extract(epoch FROM max(s.ingested_at) - max(s.started_at)) * 1000 AS last_shard,
                extract(epoch FROM run.finished_at - max(s.ingested_at)) * 1000 AS finalize
           FROM runs run JOIN shards s ON s.run_id = run.id WHERE run.id = $1 GROUP BY run.id`,
        [runId],
      );
      const ms = (x) => fmt(Number(x));
      return `submit→first start ${ms(r.first_start)} ms, start spacing ${ms(r.spacing)} ms, last start→ingested ${ms(r.last_shard)} ms, →finished ${ms(r.finalize)} ms`;
    };
    // warm-up, as the backend-alone side had: the worker loads the model and the task's data once
    const warm = await bench.api.post('/v1/runs', { modelId, benchmarks: [{ name: 'hellaswag', limit: 16 }], pool: 'cpu' });
    await bench.api.waitRun(warm.id, { pollMs: 50 });
    // The results service fits the built-in density reference at its first start (~10 s of a core, 34 s at
    // load 8) and then recomputes densities: measured runs overlapping it lost that CPU (rep 1: 7.1 s of
    // results CPU against 0.1 s in later reps). Wait for it, as the demo does.
    const fitT0 = Date.now();
    const resultsPid = bench.stack.processes.find((p) => p.name === 'results').pid;
    for (;;) {
      const builtins = (await bench.api.get('/v1/density/references')).filter((r) => r.builtin);
      if (builtins.every((r) => r.latestVersion !== null)) break;
      if (Date.now() - fitT0 > 600_000) throw new Error('the built-in reference was not fitted within 600 s');
      await new Promise((r) => setTimeout(r, 1000));
    }
    for (let prev = cpuSeconds(resultsPid), idle = 0; idle < 2; ) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = cpuSeconds(resultsPid);
      idle = now - prev < 0.05 ? idle + 1 : 0;
      prev = now;
    }
    console.log(`built-in reference fitted and the results service idle ${((Date.now() - fitT0) / 1000).toFixed(1)} s after the warm-up run`);
    const svc = [];
    const eng = [];
    for (let r = 0; r < reps; r++) {
      for (const which of r % 2 ? ['engine', 'service'] : ['service', 'engine']) {
        const res = which === 'service' ? await service() : await engineAlone();
        (which === 'service' ? svc : eng).push(res);
        console.log(`  rep ${r + 1} ${which.padEnd(8)} ${fmt(res.itemsPerSec, 1).padStart(8)} items/s (${res.sec.toFixed(2)} s${res.shards ? `, ${res.shards} shards` : ''}) acc ${res.acc.toFixed(4)} acc_norm ${res.accNorm.toFixed(4)}`);
        if (res.timeline) console.log(`      ${res.timeline}`);
        console.log(`      cpu s: ${Object.entries(res.cpu).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}; load ${require('node:os').loadavg().map((l) => l.toFixed(2)).join(' ')}`);
      }
    }
    const s = median(svc.map((x) => x.itemsPerSec));
    const e = median(eng.map((x) => x.itemsPerSec));
    const same = svc.every((x) => Math.abs(x.acc - eng[0].acc) < 1e-12 && Math.abs(x.accNorm - eng[0].accNorm) < 1e-12);
    console.log('\nresults (medians):');
    console.log(`  service (API → queue → worker → ingestion → finalized) ${fmt(s, 1)} items/s`);
    console.log(`  backend alone (one loglikelihood call)                 ${fmt(e, 1)} items/s`);
    console.log(`  ratio service / backend ${(s / e).toFixed(3)}  (target >= 0.9)`);
    const workerCpu = median(svc.map((x) => x.cpu['worker-1'] ?? Object.entries(x.cpu).find(([k]) => k.startsWith('worker'))[1]));
    const engineCpu = median(eng.map((x) => x.cpu.engine));
    const others = median(svc.map((x) => Object.entries(x.cpu).filter(([k]) => !k.startsWith('worker')).reduce((a, [, v]) => a + v, 0)));
    console.log(`  CPU ms per item: worker ${fmt((1000 * workerCpu) / items, 1)}, backend alone ${fmt((1000 * engineCpu) / items, 1)} (ratio ${(engineCpu / workerCpu).toFixed(3)}); api + results + bench ${fmt((1000 * others) / items, 1)}`);
    console.log(`  scores identical: ${same ? 'yes' : 'NO'} (acc ${eng[0].acc.toFixed(4)}, acc_norm ${eng[0].accNorm.toFixed(4)})`);
  } finally {
    await bench.stop();
    await backend.dispose();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
