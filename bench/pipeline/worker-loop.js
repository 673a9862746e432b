#!/usr/bin/env node
'use strict';
/*
 * The worker's per-sample cost, alone: the shard loop of apps/worker/src/shards/run-shard.handler.ts
 * (registry.prepare → answerRequests on a ReplayBackend → scoreSample → SampleArtifactWriter, gzip
 * included) over the pipeline benchmark's task, in this process, with artifacts kept in memory instead
 * of S3. No API, queue, database or S3 server shares the cores, so CPU per sample is steady enough to
 * tell a 10 % change that the whole-pipeline benchmark (run.js) cannot resolve on 2 shared cores.
 *
 *   npm run build:ts && node bench/pipeline/worker-loop.js [--samples 50000] [--reps 5] [--against DIR] [--rounds 3]
 *
 * --against DIR: another checkout of densebench, built (npm run build:ts there), measured side by side:
 * `--rounds` times, this checkout's loop then DIR's, each in a fresh process; medians of the reps after
 * the first of each process, and the ratio.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { REPO, DATA_DIR, arg, header, median, fmt } = require('../lib/common');
const { TASK, FixtureBackend, writeDataset } = require('./fixture');

const samples = arg('samples', 50_000);
const reps = arg('reps', 5);
const against = arg('against', '');
const rounds = arg('rounds', 3);
/** Set on the child processes of a side-by-side run: the checkout whose compiled code runs. */
const codeRepo = path.resolve(arg('code', REPO));
/** As the worker: run-shard.handler.ts DOCS_PER_BATCH; shards of the size the API picks for 100k replayed samples. */
const DOCS_PER_BATCH = 32;
const SHARD = 6_250;

/** The artifact store's calls the loop makes, in memory. */
class MemoryStore {
  constructor() {
    this.objects = new Map();
  }
  async putStream(key, body) {
    const parts = [];
    for await (const part of body) parts.push(part);
    this.objects.set(key, Buffer.concat(parts));
    return { key, sizeBytes: this.objects.get(key).length, metadata: {} };
  }
  async putBuffer(key, body) {
    this.objects.set(key, Buffer.from(body));
    return { key, sizeBytes: body.length, metadata: {} };
  }
  async list(prefix) {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).map((key) => ({ key }));
  }
  async getBuffer(key) {
    return this.objects.get(key) ?? null;
  }
  drop(prefix) {
    for (const k of [...this.objects.keys()]) if (k.startsWith(prefix)) this.objects.delete(k);
  }
}

/** Reps of the loop with codeRepo's compiled code; returns CPU µs per sample of each rep. */
async function measure() {
  const code = (rel) => require(path.join(codeRepo, 'dist', rel));
  const { TaskRegistry, scoreSample } = code('libs/benchmarks/src/index');
  const { answerRequests } = code('apps/worker/src/shards/request-dispatch');
  const { SampleArtifactWriter } = code('apps/worker/src/shards/sample-artifact-writer');
  const { sampleTiming } = code('apps/worker/src/shards/sample-timing');
  const { ReplayBackend } = code('libs/inference/src/index');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'densebench-worker-loop-'));
  try {
    const registry = new TaskRegistry(DATA_DIR);
    await registry.registerYaml(await writeDataset(home, samples), { source: 'bench' });
    const task = registry.get(TASK);
    const store = new MemoryStore();
    const runShards = async (backend, runId) => {
      for (let start = 0; start < samples; start += SHARD) {
        const prepared = await registry.prepare(TASK, start, Math.min(samples, start + SHARD), { seed: 1234 });
        const meta = { 'run-id': runId, 'shard-id': String(start), benchmark: TASK, samples: String(prepared.length), 'worker-id': '' };
        const writer = new SampleArtifactWriter(store, `runs/${runId}/samples/${TASK}/${start}.jsonl.gz`, meta);
        for (let i = 0; i < prepared.length; i += DOCS_PER_BATCH) {
          const batch = prepared.slice(i, i + DOCS_PER_BATCH);
          const t0 = performance.now();
          const responses = await answerRequests(backend, batch, {});
          const perDocMs = (performance.now() - t0) / batch.length;
          for (let j = 0; j < batch.length; j++) await writer.write(await scoreSample(task, batch[j], responses[j], sampleTiming(perDocMs, responses[j])));
        }
        await writer.finish();
      }
    };
    await runShards(new FixtureBackend(), 'source');
    const replay = await ReplayBackend.open({ kind: 'replay', sourceRunId: 'source', benchmark: TASK }, store);
    const out = [];
    for (let r = 0; r < reps; r++) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await runShards(replay, `rescore-${r}`);
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      out.push({ cpuUs: (cpu.user + cpu.system) / samples, perSecond: (samples / wall) * 1000 });
      store.drop(`runs/rescore-${r}/`);
    }
    return out;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const warm = (rs) => (rs.length > 1 ? rs.slice(1) : rs);
const line = (rs) => `${fmt(median(warm(rs).map((r) => r.perSecond)))} samples/s, ${fmt(median(warm(rs).map((r) => r.cpuUs)), 1)} µs CPU/sample (reps: ${rs.map((r) => fmt(r.cpuUs, 1)).join('; ')})`;

async function main() {
  if (process.argv.includes('--child')) {
    process.stdout.write(JSON.stringify(await measure()));
    return;
  }
  header(`the worker's shard loop alone: ${fmt(samples)} replayed samples a rep, ${reps} reps${against ? `, side by side with ${against}, ${rounds} rounds` : ''}`);
  if (!against) {
    console.log(line(await measure()));
    return;
  }
  const child = (repo) =>
    JSON.parse(execFileSync(process.execPath, [__filename, '--child', '--code', repo, '--samples', String(samples), '--reps', String(reps)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 }));
  const mine = [];
  const theirs = [];
  for (let round = 1; round <= rounds; round++) {
    const a = child(REPO);
    const b = child(path.resolve(against));
    console.log(`round ${round}: this checkout ${line(a)}\n         ${against}: ${line(b)}`);
    mine.push(...warm(a));
    theirs.push(...warm(b));
  }
  const cpuMine = median(mine.map((r) => r.cpuUs));
  const cpuTheirs = median(theirs.map((r) => r.cpuUs));
  console.log(`\nmedian over rounds: this checkout ${fmt(cpuMine, 1)} µs CPU/sample, ${against} ${fmt(cpuTheirs, 1)}: ${fmt(cpuTheirs / cpuMine, 2)}× less CPU per sample here`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
