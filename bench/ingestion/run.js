#!/usr/bin/env node
'use strict';
/*
 * Ingestion: samples/s into Postgres through the results service's IngestShardService (the worker's
 * gzipped COPY rows from S3 → COPY → samples), against a raw COPY of the same rows through psql.
 *
 *   npm run build:ts && node bench/ingestion/run.js [--rows 200000] [--reps 5] [--shard-size 100] [--path batched|single] [--handoff on|off] [--concurrency N]
 *
 * The rows are HellaSwag samples scored by the real scorer (random log-likelihoods), split into runs of
 * --docs documents and shards of --shard-size (the API's default), written to the embedded S3 server with
 * the worker's SampleArtifactWriter. "ours" ingests every shard as the results service does: with
 * --path batched (the default) the results queue's concurrency (RESULTS_WORKER_CONFIG) of ingest jobs
 * each ask the service's IngestBatcher (RESULTS_INGEST_BATCH lanes and batch size) for their shard;
 * with --path single, --concurrency (default 4, the queue's concurrency before batching) callers run
 * one transaction per shard (IngestShardService.ingest), as before batching. BullMQ itself is left out.
 * With --handoff on (the default, as the service runs), every rows object up to ROWS_HANDOFF_MAX_BYTES is
 * also handed over through Redis, as the worker does after storing it (re-put before each measurement,
 * untimed: the worker's work), and the service reads those from Redis instead of S3; --handoff off
 * reads every rows object from S3.
 * --objects memory (implies --handoff off unless given) serves the rows objects from memory (read from S3 once, at setup) instead of S3:
 * the ingestion apart from its S3 GETs, to tell the two costs apart.
 * "raw" is one `psql \copy samples (...) from <file>` of the same rows in COPY text format. Each
 * measurement starts from an empty samples table; ours and raw alternate; medians and their ratio are
 * printed. The scratch database, the S3 folder and the COPY file are removed at the end.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const { execFileSync, spawn } = require('node:child_process');
const { Readable } = require('node:stream');
const { REPO, DATA_DIR, arg, header, dist, median, fmt } = require('../lib/common');
const { scratchDatabase, dropDatabase, clearRedisPrefix, REDIS_URL } = require('../lib/stack');

const rows = arg('rows', 200_000);
const reps = arg('reps', 5);
const shardSize = arg('shard-size', 100);
const batched = arg('path', 'batched') === 'batched';
const objectsInMemory = arg('objects', 's3') === 'memory';
const handoffOn = arg('handoff', objectsInMemory ? 'off' : 'on') === 'on';
const docsPerRun = Math.min(arg('docs', 10_000), rows);
const DB = 'densebench_bench_ingestion';

/** docsPerRun HellaSwag records, scored by the real scorer on random log-likelihoods. */
async function records() {
  const { TaskRegistry, scoreSampleSync } = dist('libs/benchmarks/src/index');
  const registry = new TaskRegistry(DATA_DIR);
  const task = registry.get('hellaswag');
  const prepared = await registry.prepare('hellaswag', 0, docsPerRun, { seed: 1234 });
  let x = 1;
  const rnd = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  return prepared.map((s) => {
    const responses = s.requests.map((r) => 
      r.type === 'loglikelihood_rolling'
        ? { logprob: -rnd() * 200, tokens: 40, totalMs: 3 }
        : { logprob: -rnd() * 40, isGreedy: rnd() < 0.1, contextTokens: 60 + Math.floor(rnd() * 40), continuationTokens: 5 + Math.floor(rnd() * 20), totalMs: 3 },
    );
    return scoreSampleSync(task, s, responses, { latencyMs: 5 + rnd() * 20 });
  });
}

/** The embedded S3 server in a process of its own, as `densebench up` hosts it apart from the results service. */
async function startS3(directory) {
  const script = `const { startEmbeddedS3 } = require(${JSON.stringify(path.join(REPO, 'dist/infra/embedded/src/embedded-s3'))});
    startEmbeddedS3(${JSON.stringify(directory)}).then((s) => console.log(s.endpoint));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(String(d).trim()));
    child.once('exit', (code) => reject(new Error(`s3 server exited (${code})`)));
  });
  return { pid: child.pid, endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', stop: async () => void child.kill() };
}

let clockTicks;
/** CPU seconds process pid has used so far (Linux /proc; NaN elsewhere). */
function cpuSeconds(pid) {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
    return (Number(f[11]) + Number(f[12])) / clockTicks;
  } catch {
    return NaN;
  }
}

async function main() {
  const { RESULTS_WORKER_CONFIG, RESULTS_INGEST_BATCH } = dist('libs/queue/src/worker-config');
  const concurrency = arg('concurrency', batched ? RESULTS_WORKER_CONFIG.concurrency : 4);
  const how = batched ? `batched: ${RESULTS_INGEST_BATCH.lanes} lanes of up to ${RESULTS_INGEST_BATCH.maxShards} shards` : 'one transaction per shard';
  const { RowsHandoff } = dist('libs/queue/src/rows-handoff');
  const { RunEvents } = dist('libs/queue/src/run-events');
  const { validateEnv } = dist('libs/config/src/env.schema');
  const maxBytes = handoffOn ? validateEnv(process.env).ROWS_HANDOFF_MAX_BYTES : 0;
  const source = objectsInMemory ? ', rows objects from memory' : handoffOn ? `, rows objects up to ${fmt(maxBytes / 1024)} KiB through Redis` : ', rows objects from S3';
  header(`ingestion: ${fmt(rows)} samples in shards of ${shardSize}, IngestShardService (${how}, ${concurrency} jobs at once${source}) vs psql COPY`);
  const { DataSource } = require('typeorm');
  const { dataSourceOptions } = dist('libs/database/src/data-source-options');
  const { ArtifactStore, createS3Client, artifactKeys } = dist('libs/storage/src/index');
  require('@nestjs/common').Logger.overrideLogger(['warn', 'error']);
  const { SampleArtifactWriter } = dist('apps/worker/src/shards/sample-artifact-writer');
  const { IngestShardService } = dist('apps/results/src/ingest/ingest-shard.service');
  const { SamplesRepository, ShardsRepository } = dist('libs/database/src/repositories/index');
  const { IngestBatcher } = dist('apps/results/src/ingest/ingest-batcher');
  const { copyLine, SAMPLE_COLUMNS } = dist("libs/contracts/src/index");

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'densebench-bench-ingestion-'));
  const s3 = await startS3(path.join(tmp, 's3'));
  const url = await scratchDatabase(DB);
  const ds = await new DataSource(dataSourceOptions(url, 10)).initialize();
  const redisPrefix = `bench-ingestion-${process.pid}`;
  let handoff;
  let events;
  try {
    const store = new ArtifactStore(createS3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }), 'bench');
    await store.ensureBucket();
    const held = new Map();
    const serviceStore = !objectsInMemory ? store : Object.assign(Object.create(store), {
      getStream: async (key) => (held.has(key) ? { ...held.get(key), body: Readable.from([held.get(key).buf]) } : store.getStream(key)),
    });
    handoff = new RowsHandoff({ url: REDIS_URL, prefix: redisPrefix }, { rowsHandoffMaxBytes: maxBytes });
    const handed = []; // [shard id, rows object, JSONL size], as the worker hands them over
    const redisPid = await (async () => {
      const r = new (require('ioredis'))(REDIS_URL);
      try {
        return Number((await r.info('server')).match(/process_id:(\d+)/)?.[1]);
      } finally {
        r.disconnect();
      }
    })();
    // Its run notices go to Redis as the service's do (a publish per batch: part of the cost measured).
    events = new RunEvents({ url: REDIS_URL, prefix: redisPrefix });
    const service = new IngestShardService(new SamplesRepository(ds), new ShardsRepository(ds), serviceStore, handoff, events);
    // What an ingest job calls: the service's batcher (as ResultsModule builds it), or the service itself.
    const batches = [];
    const batcher = new IngestBatcher((ids) => (batches.push(ids.length), service.ingestMany(ids)), RESULTS_INGEST_BATCH);
    const ingest = batched ? (id) => batcher.ingest(id) : (id) => service.ingest(id);

    const recs = await records();
    const [{ id: modelId }] = await ds.query(`INSERT INTO models (name, params_total, backend) VALUES ('bench', 1000, '{"kind":"replay"}') RETURNING id`);
    const shards = [];
    const copyFile = path.join(tmp, 'samples.copy');
    const out = fs.openSync(copyFile, 'w');
    let bytes = 0;
    const t0 = performance.now();
    for (let done = 0; done < rows; ) {
      const n = Math.min(docsPerRun, rows - done);
      const runId = randomUUID();
      await ds.query(`INSERT INTO runs (id, model_id, status, pool, shard_size, seed, benchmarks) VALUES ($1, $2, 'running', 'cpu', $3, 1234, '[{"name":"hellaswag"}]')`, [runId, modelId, shardSize]);
      const [{ id: rbId }] = await ds.query(`INSERT INTO run_benchmarks (run_id, name, total_samples) VALUES ($1, 'hellaswag', $2) RETURNING id`, [runId, n]);
      for (let start = 0, index = 0; start < n; start += shardSize, index++) {
        const end = Math.min(n, start + shardSize);
        const id = randomUUID();
        const key = artifactKeys.shardSamples(runId, 'hellaswag', id);
        const w = new SampleArtifactWriter(store, key, { 'run-id': runId, 'shard-id': id, benchmark: 'hellaswag', samples: String(end - start), 'worker-id': 'bench' });
        let lines = '';
        for (const r of recs.slice(start, end)) {
          await w.write(r);
          lines += copyLine(runId, id, r);
        }
        const stored = await w.finish();
        bytes += stored.samples.sizeBytes ?? 0;
        fs.writeSync(out, lines);
        await ds.query(
          `INSERT INTO shards (id, run_id, run_benchmark_id, benchmark, shard_index, doc_start, doc_end, status, artifact_key) VALUES ($1, $2, $3, 'hellaswag', $4, $5, $6, 'running', $7)`,
          [id, runId, rbId, index, start, end, key],
        );
        shards.push(id);
        handed.push([id, { rows: stored.rows, samplesBytes: stored.samples.sizeBytes }]);
        if (objectsInMemory) {
          const o = await store.getStream(artifactKeys.shardRows(runId, 'hellaswag', id));
          held.set(o.key, { ...o, body: undefined, buf: Buffer.concat(await o.body.toArray()) });
        }
      }
      done += n;
    }
    fs.closeSync(out);
    console.log(`setup: ${shards.length} shards, ${fmt(bytes / 2 ** 20, 1)} MiB gzipped JSONL in S3, COPY file ${fmt(fs.statSync(copyFile).size / 2 ** 20, 1)} MiB (${fmt((performance.now() - t0) / 1000, 1)} s)`);

    const reset = async () => {
      await ds.query(`TRUNCATE samples`);
      await ds.query(`UPDATE shards SET ingested_at = NULL, status = 'running', done_samples = 0`);
      await ds.query(`DELETE FROM artifacts`);
      await ds.query(`CHECKPOINT`);
    };
    const count = async () => (await ds.query(`SELECT count(*)::int AS n FROM samples`))[0].n;
    // CPU of ours: this process (the results service's code), the S3 server's and Redis's, per run.
    const cpu = { service: [], s3: [], redis: [] };
    let handedOver = 0;
    const ours = async () => {
      await reset();
      batches.length = 0;
      handedOver = 0;
      for (const [id, h] of handed) handedOver += (await handoff.put(id, h)) ? 1 : 0;
      const cpu0 = { service: process.cpuUsage(), s3: cpuSeconds(s3.pid), redis: cpuSeconds(redisPid) };
      const t = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < shards.length) await ingest(shards[next++]);
      }));
      const sec = (performance.now() - t) / 1000;
      const used = process.cpuUsage(cpu0.service);
      cpu.service.push((used.user + used.system) / 1e6);
      cpu.s3.push(cpuSeconds(s3.pid) - cpu0.s3);
      cpu.redis.push(cpuSeconds(redisPid) - cpu0.redis);
      const left = await handoff.take(shards.slice(0, 100));
      if (left.size > 0) throw new Error(`${left.size} handed-over rows objects left after ingestion`);
      if ((await count()) !== rows) throw new Error(`ours: ${await count()} rows, expected ${rows}`);
      return sec;
    };
    const raw = async () => {
      await reset();
      const t = performance.now();
      execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy samples (${SAMPLE_COLUMNS}) from '${copyFile}'`], { stdio: ['ignore', 'ignore', 'inherit'] });
      const sec = (performance.now() - t) / 1000;
      if ((await count()) !== rows) throw new Error(`raw: ${await count()} rows, expected ${rows}`);
      return sec;
    };

    await ours(); // warm-up (caches, JIT), not counted
    // Re-ingesting changes nothing.
    if (!(await ingest(shards[0])).alreadyIngested) throw new Error('re-ingest of an ingested shard was not a no-op');
    const times = { ours: [], raw: [] };
    for (let i = 0; i < reps; i++) {
      const order = i % 2 ? ['raw', 'ours'] : ['ours', 'raw'];
      for (const k of order) times[k].push(await (k === 'ours' ? ours : raw)());
      const txs = (batched ? `, ${batches.length} transactions of ${fmt(shards.length / batches.length, 1)} shards on average` : '') + `, ${handedOver} of ${shards.length} rows objects through Redis`;
      console.log(`rep ${i + 1}: ours ${fmt(rows / times.ours[i])} samples/s (${fmt(times.ours[i], 2)} s${txs}), raw COPY ${fmt(rows / times.raw[i])} samples/s (${fmt(times.raw[i], 2)} s)`);
    }
    const o = rows / median(times.ours);
    const r = rows / median(times.raw);
    console.log(`median: ours ${fmt(o)} samples/s, raw COPY ${fmt(r)} samples/s, ratio ours/raw ${fmt(o / r, 2)} (target ≥ 0.70)`);
    const perShard = (xs) => fmt((1000 * median(xs.slice(1))) / shards.length, 2);
    console.log(`ours CPU per shard (median): results service ${perShard(cpu.service)} ms, S3 server ${perShard(cpu.s3)} ms, Redis ${perShard(cpu.redis)} ms`);
  } finally {
    await ds.destroy();
    await handoff?.onApplicationShutdown();
    await events?.onApplicationShutdown();
    await clearRedisPrefix(redisPrefix).catch(() => undefined);
    await s3.stop();
    await dropDatabase(DB);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
