#!/usr/bin/env node
'use strict';
/*
 * Pipeline overhead (item 4) and memory (item 8): a re-scoring run (POST /v1/runs/:id/rescore, replay
 * backend, no model) of N samples through API → BullMQ → worker(s) → S3 → ingestion → finalized run,
 * with 1, 2 and 4 worker processes. The replayed answers are a fixture (see fixture.js): this measures
 * the pipeline's own cost, not inference.
 *
 *   npm run build:ts && node bench/pipeline/run.js [--samples 100000] [--workers 1,2,4] [--reps 3] [--shard-size N] [--probes 30]
 *
 * --shard-size sets the re-scoring run's shard size; without it the service sizes the shards (as for a
 * user who does not set one).
 *
 * Dispatch latency is measured two ways, both from the BullMQ job's `timestamp` (set when the API's
 * flow added the job): to `processedOn` (a worker took it) and to shards.started_at (the API recorded
 * the shard's start, after the worker fetched its spec). "idle" = one-shard runs submitted to idle
 * workers (--probes of them); "first wave" = the first shard of each worker in the big runs.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { arg, header, median, percentile, dist, rss, cpuSeconds, fmt, sleep } = require('../lib/common');
const { startBenchStack, dropDatabase } = require('../lib/stack');
const { writeDataset, createSourceRuns } = require('./fixture');

const samples = arg('samples', 100000);
const workerCounts = String(arg('workers', '1,2,4')).split(',').map(Number);
const reps = arg('reps', 3);
const shardSize = arg('shard-size', 0); // 0: the service's default sizing
const probes = arg('probes', 30);
const profileDir = arg('cpu-prof', ''); // writes .cpuprofile files of every service process there
const NAME = 'pipeline';

const ms = (a, b) => new Date(b).getTime() - new Date(a).getTime();
const stat = (xs) => `p50 ${fmt(percentile(xs, 50), 1)} ms, p99 ${fmt(percentile(xs, 99), 1)} ms (n=${xs.length})`;

/** Samples VmRSS of every service process (and this one, which hosts the S3 server) until stopped. */
function memorySampler(procs) {
  const all = [...procs, { name: 'bench+s3', pid: process.pid }];
  const max = Object.fromEntries(all.map((p) => [p.name, 0]));
  const tick = () => all.forEach((p) => (max[p.name] = Math.max(max[p.name], rss(p.pid)?.rssMiB ?? 0)));
  const timer = setInterval(tick, 100);
  return { stop: () => (clearInterval(timer), tick(), max) };
}

/** BullMQ and shards-table timings of one run's shards. */
async function shardTimings(bench, queue, runId) {
  const { jobIds } = dist('libs/queue/src/index');
  const { rows } = await bench.db.query('SELECT id, worker_id, started_at FROM shards WHERE run_id = $1', [runId]);
  const out = [];
  for (const r of rows) {
    const job = await queue.getJob(jobIds.shard(r.id));
    if (job) out.push({ worker: r.worker_id, enq: job.timestamp, taken: job.processedOn, done: job.finishedOn, started: new Date(r.started_at).getTime() });
  }
  return out;
}

/** The first shard each worker took (the first wave: taken by idle workers). */
function firstWave(shards) {
  const first = new Map();
  for (const s of shards) if (!first.has(s.worker) || s.taken < first.get(s.worker).taken) first.set(s.worker, s);
  return [...first.values()];
}

async function main() {
  const m = header(`pipeline overhead and memory: ${fmt(samples)}-sample re-scoring runs (replay of fixture answers), shard size ${shardSize || 'default'}, workers ${workerCounts.join(',')}, ${reps} reps`);
  const { shardQueueName, redisOptionsFromUrl, QueueName, jobIds } = dist('libs/queue/src/index');
  const { Queue } = require('bullmq');
  await dropDatabase(`densebench_bench_${NAME}`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'densebench-bench-pipeline-'));
  const summary = [];
  const yaml = await writeDataset(home, samples);
  let sources;
  try {
    for (const workers of workerCounts) {
      const bench = await startBenchStack({ name: NAME, workers, keepDatabase: true, home, env: { WORKER_BACKENDS: 'replay,openai', LOG_LEVEL: process.env.LOG_LEVEL || 'warn', ...(profileDir ? { NODE_OPTIONS: `--require ${path.join(__dirname, '..', 'lib', 'cpu-prof-preload.js')}`, BENCH_CPU_PROF_DIR: path.resolve(profileDir) } : {}) } });
      const connection = redisOptionsFromUrl(bench.stack.env.REDIS_URL);
      const queue = new Queue(shardQueueName('cpu', 'replay'), { connection, prefix: bench.prefix });
      const results = new Queue(QueueName.Results, { connection, prefix: bench.prefix });
      try {
        if (!sources) {
          const t0 = performance.now();
          sources = await createSourceRuns(bench, { n: samples, small: 10, yaml });
          console.log(`setup: source runs ${sources.big} (${fmt(samples)} samples, fixture answers) and ${sources.small} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        }
        console.log(`\n## ${workers} worker${workers > 1 ? 's' : ''} (load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
        const procs = bench.stack.processes;
        const rows = [];
        for (let r = 0; r < reps; r++) {
          const cpu0 = Object.fromEntries(procs.map((p) => [p.name, cpuSeconds(p.pid)]));
          const mem = memorySampler(procs);
          const t0 = performance.now();
          const wall0 = Date.now();
          const created = await bench.api.post(`/v1/runs/${sources.big}/rescore`, shardSize ? { shardSize } : {});
          const run = await bench.api.waitRun(created.id, { pollMs: 250 });
          const sec = (performance.now() - t0) / 1000;
          const maxRss = mem.stop();
          if (run.status !== 'succeeded') throw new Error(`run ${run.id} ${run.status}: ${run.error}`);
          const { rows: [db] } = await bench.db.query('SELECT created_at, finished_at, (SELECT sum(done_samples)::int FROM shards WHERE run_id = $1) AS done FROM runs WHERE id = $1', [run.id]);
          if (db.done !== samples) throw new Error(`run ${run.id}: ${db.done} samples done, expected ${samples}`);
          const t = await shardTimings(bench, queue, run.id);
          const fin = await results.getJob(jobIds.finalize(run.id));
          const lastShard = Math.max(...t.map((x) => x.done));
          const tail = { lastShardToFinalize: fin.processedOn - lastShard, finalizeMs: fin.finishedOn - fin.processedOn };
          const first = firstWave(t);
          const cpu = Object.fromEntries(procs.map((p) => [p.name, cpuSeconds(p.pid) - cpu0[p.name]]));
          await sleep(2000);
          const after = Object.fromEntries(procs.map((p) => [p.name, rss(p.pid)]));
          const endSec = ms(wall0, db.finished_at) / 1000; // POST sent → run finished_at (set by the results service)
          const row = { sec, endSec, perSec: samples / endSec, dbSec: ms(db.created_at, db.finished_at) / 1000, shards: created.shards, first, maxRss, after, cpu };
          rows.push(row);
          console.log(`  rep ${r + 1}: ${fmt(row.perSec)} samples/s (POST sent → runs.finished_at ${endSec.toFixed(2)} s; seen by polling ${sec.toFixed(2)} s; runs.created_at→finished_at ${row.dbSec.toFixed(2)} s; ${row.shards} shards)`);
          console.log(`    first wave enqueue→taken ${first.map((s) => s.taken - s.enq).join(', ')} ms, →started_at ${first.map((s) => s.started - s.enq).join(', ')} ms`);
          console.log(`    last shard done → finalize start ${tail.lastShardToFinalize} ms, finalize ${tail.finalizeMs} ms; cpu s: ${procs.map((p) => `${p.name} ${cpu[p.name].toFixed(1)}`).join(', ')}`);
          console.log(`    RSS MiB max during / after (peak VmHWM): ${procs.map((p) => `${p.name} ${maxRss[p.name].toFixed(0)}/${after[p.name]?.rssMiB.toFixed(0)} (${after[p.name]?.hwmMiB.toFixed(0)})`).join(', ')}, bench+s3 ${maxRss['bench+s3'].toFixed(0)}`);
        }
        // Dispatch to idle workers: one-shard re-scoring runs, one at a time.
        const taken = [];
        const started = [];
        for (let i = 0; i < probes; i++) {
          const created = await bench.api.post(`/v1/runs/${sources.small}/rescore`, {});
          await bench.api.waitRun(created.id, { pollMs: 10 });
          for (const s of await shardTimings(bench, queue, created.id)) {
            taken.push(s.taken - s.enq);
            started.push(s.started - s.enq);
          }
          await sleep(50);
        }
        console.log(`  dispatch to an idle worker: enqueue→taken ${stat(taken)}; enqueue→shard started_at ${stat(started)}`);
        // The first run on fresh workers also loads the replay (every stored answer of the source run, on
        // each worker): reported apart from the warm runs after it.
        const warm = rows.length > 1 ? rows.slice(1) : rows;
        summary.push({ workers, perSec: median(warm.map((x) => x.perSec)), coldPerSec: rows[0].perSec, rows, taken, started, procs: procs.map((p) => ({ ...p, hwm: rss(p.pid)?.hwmMiB })) });
      } finally {
        await Promise.all([queue.close(), results.close()]);
        await bench.stop();
      }
    }
  } finally {
    await dropDatabase(`densebench_bench_${NAME}`).catch(() => undefined);
    if (process.env.BENCH_KEEP_HOME) console.log(`kept ${home}`);
    else fs.rmSync(home, { recursive: true, force: true });
  }

  console.log(`\nresults (warm: median of reps 2-${reps}; cold: rep 1, replay loaded; load at start ${m.load.join(' ')}, now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}):`);
  console.log('| workers | samples/s warm | vs 1 worker | cold | idle dispatch →taken p50/p99 | →started_at p50/p99 | peak RSS MiB (VmHWM) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const s of summary) {
    console.log(
      `| ${s.workers} | ${fmt(s.perSec)} | ${(s.perSec / summary[0].perSec).toFixed(2)}× | ${fmt(s.coldPerSec)} | ${fmt(percentile(s.taken, 50), 1)} / ${fmt(percentile(s.taken, 99), 1)} ms | ` +
        `${fmt(percentile(s.started, 50), 1)} / ${fmt(percentile(s.started, 99), 1)} ms | ` +
        `${s.procs.map((p) => `${p.name} ${p.hwm?.toFixed(0)}`).join(', ')} |`,
    );
  }
  console.log('\nRSS after each run (MiB):');
  for (const s of summary) {
    for (const p of s.procs) console.log(`  ${s.workers}w ${p.name.padEnd(9)} ${s.rows.map((r) => r.after[p.name]?.rssMiB.toFixed(0)).join(' → ')}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
