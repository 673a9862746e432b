'use strict';
/*
 * The replay source of the pipeline benchmark: a custom multiple-choice task over N documents, and a
 * succeeded run of it whose stored answers are a FIXTURE (deterministic made-up log-likelihoods, no
 * inference). The documents are HellaSwag validation items (contexts and endings as the built-in task
 * renders them), each used ceil(N / 10,042) times with a "[copy k]" prefix so every request is distinct.
 *
 * The source run goes through the service: POST /v1/runs with its model's shard queue paused, then its
 * shard artifacts are written here with the worker's own code (registry.prepare → answerRequests →
 * scoreSample → SampleArtifactWriter, the path of apps/worker/src/shards/run-shard.handler.ts, with a
 * fixture backend in place of a model), then the queue is resumed: the workers find every artifact
 * valid, skip the shard and hand it to ingestion, and the results service finalizes the run.
 */
const fs = require('node:fs');
const path = require('node:path');
const { createHash } = require('node:crypto');
const { DATA_DIR, dist } = require('../lib/common');

const TASK = 'pipeline_mc';

/** Writes <dir>/pipeline_mc.jsonl ({ctx, endings, label}) and returns the task's YAML. */
async function writeDataset(dir, n) {
  const { TaskRegistry } = dist('libs/benchmarks/src/index');
  const hs = new TaskRegistry(DATA_DIR);
  const items = await hs.prepare('hellaswag', 0, 10042);
  const file = path.join(dir, `${TASK}.jsonl`);
  const lines = [];
  for (let i = 0; i < n; i++) {
    const s = items[i % items.length];
    const ctx = `[copy ${Math.floor(i / items.length) + 1}] ${s.requests[0].context}`;
    lines.push(JSON.stringify({ ctx, endings: s.requests.map((r) => r.continuation.replace(/^ /, '')), label: Number(s.target) }));
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return [
    `task: ${TASK}`,
    'dataset_path: json',
    'dataset_kwargs:',
    '  data_files:',
    `    test: ${file}`,
    'test_split: test',
    'output_type: multiple_choice',
    'doc_to_text: "{{ctx}}"',
    'doc_to_choice: endings',
    'doc_to_target: label',
    'metric_list:',
    '  - metric: acc',
    '  - metric: acc_norm',
    '',
  ].join('\n');
}

/**
 * Retries a request once when the connection was closed under it: a keep-alive socket the API closed
 * while idle (seen under heavy machine load). Only for requests whose first attempt could not have
 * been processed, or that are idempotent.
 */
async function retry(fn) {
  try {
    return await fn();
  } catch (err) {
    if (err?.cause?.code !== 'UND_ERR_SOCKET') throw err;
    return fn();
  }
}

/** Made-up but deterministic answers: a log-likelihood from a hash of the request, ~4 chars a token. */
class FixtureBackend {
  constructor() {
    this.info = { kind: 'openai', modelIdentity: 'fixture', engine: 'fixture', engineVersion: '1', device: 'none', contextSize: 0, batchSize: 0, details: {} };
  }
  async loglikelihood(reqs) {
    return reqs.map((r) => {
      const h = createHash('sha1').update(r.context).update('\0').update(r.continuation).digest();
      const continuationTokens = Math.max(1, Math.ceil(r.continuation.length / 4));
      return { logprob: -(0.5 + (h.readUInt32BE(0) / 2 ** 32) * 3) * continuationTokens, isGreedy: false, contextTokens: Math.ceil(r.context.length / 4), continuationTokens };
    });
  }
}

/** Writes every shard artifact of a run (rows of the shards table) as a worker would. */
async function writeArtifacts(registry, store, shards, seed) {
  const { scoreSample } = dist('libs/benchmarks/src/index');
  const { answerRequests } = dist('apps/worker/src/shards/request-dispatch');
  const { SampleArtifactWriter } = dist('apps/worker/src/shards/sample-artifact-writer');
  const { sampleTiming } = dist('apps/worker/src/shards/sample-timing');
  const backend = new FixtureBackend();
  const task = registry.get(TASK);
  const one = async (s) => {
    const prepared = await registry.prepare(TASK, s.doc_start, s.doc_end, { seed });
    const writer = new SampleArtifactWriter(store, s.artifact_key, { 'run-id': s.run_id, 'shard-id': s.id, benchmark: TASK, samples: String(prepared.length), 'worker-id': '' });
    const responses = await answerRequests(backend, prepared, {});
    for (let j = 0; j < prepared.length; j++) await writer.write(await scoreSample(task, prepared[j], responses[j], sampleTiming(0.05, responses[j])));
    await writer.finish();
  };
  for (let i = 0; i < shards.length; i += 8) await Promise.all(shards.slice(i, i + 8).map(one));
}

/**
 * Creates the source runs (n documents, and a one-shard run of `small` documents for the dispatch
 * probe) and waits until both succeeded. Returns their ids.
 */
async function createSourceRuns(bench, { n, small, yaml }) {
  const { TaskRegistry } = dist('libs/benchmarks/src/index');
  const { ArtifactStore, createS3Client } = dist('libs/storage/src/index');
  const { shardQueueName, redisOptionsFromUrl, jobIds } = dist('libs/queue/src/index');
  const { Queue } = require('bullmq');

  const reg = await retry(() => fetch(`${bench.stack.apiUrl}/v1/benchmarks?replace=true`, { method: 'POST', headers: { 'content-type': 'application/yaml', ...(bench.stack.apiKey ? { authorization: `Bearer ${bench.stack.apiKey}` } : {}) }, body: yaml }));
  if (!reg.ok) throw new Error(`POST /v1/benchmarks → ${reg.status}: ${await reg.text()}`);
  const registry = new TaskRegistry(DATA_DIR);
  await registry.registerYaml(yaml, { source: 'bench' });

  const model = await retry(() => bench.api.post('/v1/models', { name: 'pipeline-fixture', paramsTotal: 1e6, backend: { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'fixture' } }));
  const e = bench.stack.env;
  const store = new ArtifactStore(createS3Client({ region: 'us-east-1', endpoint: e.S3_ENDPOINT, forcePathStyle: true, accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }), process.env.S3_BUCKET || 'densebench');
  const queue = new Queue(shardQueueName('cpu', 'openai'), { connection: redisOptionsFromUrl(e.REDIS_URL), prefix: bench.prefix });
  await queue.pause();
  try {
    const ids = [];
    // The big source with the service's default sizing (its shards only hold the fixture's answers), the small one in one shard.
    for (const [limit, size] of [[n, undefined], [small, small]]) {
      const run = await retry(() => bench.api.post('/v1/runs', { modelId: model.id, benchmarks: [{ name: TASK, limit }], pool: 'cpu', shardSize: size }, { 'idempotency-key': `bench-source-${limit}-${size ?? 'auto'}` }));
      const { rows } = await bench.db.query('SELECT id, run_id, doc_start, doc_end, artifact_key FROM shards WHERE run_id = $1 ORDER BY doc_start', [run.id]);
      await writeArtifacts(registry, store, rows, 1234);
      // As if an earlier attempt of each job had stored its artifact: a restarted job (BullMQ counts
      // starts in the job's "ats" field) that finds its artifact hands it to ingestion without running.
      const client = await queue.client;
      for (const r of rows) await client.hincrby(queue.toKey(jobIds.shard(r.id)), 'ats', 1);
      ids.push(run.id);
    }
    await queue.resume();
    for (const id of ids) {
      const r = await bench.api.waitRun(id, { pollMs: 200 });
      if (r.status !== 'succeeded') throw new Error(`source run ${id} ${r.status}: ${r.error}`);
    }
    return { big: ids[0], small: ids[1] };
  } finally {
    await queue.close();
  }
}

module.exports = { TASK, FixtureBackend, writeDataset, createSourceRuns };
