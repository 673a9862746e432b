#!/usr/bin/env node
'use strict';
/*
 * Chaos soak: a --samples re-scoring run (replay backend, the pipeline bench's fixture answers) while
 * a script SIGKILLs a random results service or worker process every --every seconds and starts it again
 * --down seconds later. Reports samples lost and duplicated (both must be 0), kills, and the time to finish.
 *
 *   npm run build:ts && node bench/chaos/run.js [--samples 100000] [--workers 3] [--results 2] [--every 3] [--down 1]
 *
 * The embedded stack's api stays up (its own results process is killed at once and replaced by
 * --results supervised ones); --workers worker processes serve the replay queue. Lost: documents of the
 * run with no row in samples; duplicated: rows beyond one per (benchmark, document) — the samples table's
 * key makes that 0 by construction, so the artifacts are counted too (every document in exactly one
 * shard artifact of the run).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { arg, header, fmt, sleep, REPO } = require('../lib/common');
const { startBenchStack, dropDatabase, client } = require('../lib/stack');
const { writeDataset, createSourceRuns } = require('../pipeline/fixture');

const samples = arg('samples', 100000);
const nWorkers = arg('workers', 3);
const nResults = arg('results', 2);
const everyS = arg('every', 3);
const downS = arg('down', 1);
const NAME = 'chaos';

function supervised(name, app, env) {
  const main = path.join(REPO, 'dist', 'apps', app, 'src', 'main.js');
  const p = { name, child: null, kills: 0 };
  p.start = () => {
    p.child = spawn(process.execPath, [main], { env: { ...process.env, ...env, WORKER_NAME: name, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  };
  p.start();
  return p;
}

async function main() {
  header(`chaos soak: ${fmt(samples)}-sample re-scoring run, ${nWorkers} workers + ${nResults} results services, one SIGKILLed every ${everyS} s (back after ${downS} s)`);
  await dropDatabase(`densebench_bench_${NAME}`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'densebench-bench-chaos-'));
  const bench = await startBenchStack({ name: NAME, workers: 0, home, env: { WORKER_BACKENDS: 'replay,openai', LOG_LEVEL: 'warn', RECONCILE_EVERY_MS: '5000', RECONCILE_GRACE_MS: '10000' } });
  process.kill(bench.stack.processes.find((p) => p.name === 'results').pid, 'SIGKILL');
  // The stack's client fails when one of its processes is gone: here that is the point.
  bench.api = client(bench.stack.apiUrl, () => null, bench.stack.apiKey);
  const env = { ...bench.stack.env, WORKER_BACKENDS: 'replay,openai', RECONCILE_EVERY_MS: '5000', RECONCILE_GRACE_MS: '10000' };
  const procs = [
    ...Array.from({ length: nResults }, (_, i) => supervised(`results-${i + 1}`, 'results', env)),
    ...Array.from({ length: nWorkers }, (_, i) => supervised(`chaos-w${i + 1}`, 'worker', env)),
  ];
  let chaos = false;
  try {
    const sources = await createSourceRuns(bench, { n: samples, small: 10, yaml: await writeDataset(home, samples) });
    const t0 = performance.now();
    const created = await bench.api.post(`/v1/runs/${sources.big}/rescore`, {});
    chaos = true;
    const killer = (async () => {
      while (chaos) {
        await sleep(everyS * 1000);
        if (!chaos) break;
        const victim = procs[(Math.random() * procs.length) | 0];
        victim.child.kill('SIGKILL');
        victim.kills++;
        await sleep(downS * 1000);
        victim.start();
      }
    })();
    const run = await bench.api.waitRun(created.id, { pollMs: 500, timeoutMs: 3_600_000 });
    chaos = false;
    await killer;
    const sec = (performance.now() - t0) / 1000;
    const { rows: [db] } = await bench.db.query(
      'SELECT count(*)::int AS rows, count(DISTINCT (benchmark, doc_id))::int AS docs FROM samples WHERE run_id = $1',
      [run.id],
    );
    // Every document in exactly one stored shard artifact of the run.
    const { ArtifactStore, createS3Client } = require(path.join(REPO, 'dist', 'libs', 'storage', 'src', 'index'));
    const e = bench.stack.env;
    const store = new ArtifactStore(createS3Client({ region: 'us-east-1', endpoint: e.S3_ENDPOINT, forcePathStyle: true, accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }), process.env.S3_BUCKET || 'densebench');
    const { rows: shards } = await bench.db.query('SELECT artifact_key FROM shards WHERE run_id = $1', [run.id]);
    const seen = new Map();
    for (const s of shards) {
      const buf = await store.getBuffer(s.artifact_key);
      if (!buf) continue;
      for (const line of zlib.gunzipSync(buf).toString().trim().split('\n')) {
        const id = JSON.parse(line).doc_id;
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
    }
    const inArtifacts = [...seen.values()];
    const kills = procs.map((p) => `${p.name} ${p.kills}`).join(', ');
    console.log(`\nrun ${run.id}: ${run.status}${run.error ? ` (${run.error})` : ''} in ${fmt(sec, 1)} s`);
    console.log(`kills: ${procs.reduce((n, p) => n + p.kills, 0)} (${kills})`);
    console.log(`samples table: ${db.rows} rows, ${db.docs} documents of ${samples}: lost ${samples - db.docs}, duplicated ${db.rows - db.docs}`);
    console.log(`artifacts: ${seen.size} documents, ${inArtifacts.filter((n) => n > 1).length} in more than one: lost ${samples - seen.size}, duplicated ${inArtifacts.reduce((a, n) => a + n - 1, 0)}`);
  } finally {
    chaos = false;
    for (const p of procs) p.child?.kill('SIGTERM');
    await sleep(2000);
    for (const p of procs) p.child?.kill('SIGKILL');
    await bench.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
