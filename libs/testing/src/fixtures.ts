import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { SampleRecord } from '@app/contracts';
import { dataSourceOptions } from '@app/database';
import { RowsHandoff, RunEvents } from '@app/queue';
import { ArtifactStore, artifactKeys, createS3Client } from '@app/storage';
import { readState, serviceEnv } from './test-env';

/** The test environment's S3 server, as the services see it (or another bucket of it). */
export function testArtifactStore(bucket = serviceEnv().S3_BUCKET): ArtifactStore {
  const env = serviceEnv();
  const s3 = createS3Client({
    region: 'us-east-1',
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: true,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    bucket,
  });
  return new ArtifactStore(s3, bucket);
}

/** The rows handoff on the test Redis, as the services see it (close with onApplicationShutdown). */
export function testRowsHandoff(rowsHandoffMaxBytes = 64 * 1024, redisUrl = serviceEnv().REDIS_URL): RowsHandoff {
  return new RowsHandoff({ url: redisUrl, prefix: serviceEnv().QUEUE_PREFIX }, { rowsHandoffMaxBytes });
}

/** Run events (pub/sub) on the test Redis, under the test run's prefix. */
export function testRunEvents(redisUrl = serviceEnv().REDIS_URL): RunEvents {
  return new RunEvents({ url: redisUrl, prefix: serviceEnv().QUEUE_PREFIX });
}

/** A connection pool to the test database (schema migrated by the global setup). */
export function testDataSource(poolSize = 4): Promise<DataSource> {
  return new DataSource(dataSourceOptions(readState().databaseUrl, poolSize)).initialize();
}

/**
 * A model, a run of it and one of its benchmarks written straight into the tables (no API, no queue),
 * for tests of what the results service does with shards.
 */
export async function insertRun(
  db: DataSource,
  opts: { benchmark?: string; totalSamples: number; shardSize?: number; status?: string },
): Promise<{ modelId: string; runId: string; rbId: string }> {
  const [{ id: modelId }] = await db.query(`INSERT INTO models (name, params_total, backend) VALUES ($1, 1, '{"kind":"replay"}') RETURNING id`, [
    `fixture-${randomUUID()}`,
  ]);
  const [{ id: runId }] = await db.query(
    `INSERT INTO runs (model_id, pool, shard_size, seed, benchmarks, status) VALUES ($1, 'cpu', $2, 1, '[]', $3) RETURNING id`,
    [modelId, opts.shardSize ?? null, opts.status ?? 'queued'],
  );
  const [{ id: rbId }] = await db.query(`INSERT INTO run_benchmarks (run_id, name, total_samples) VALUES ($1, $2, $3) RETURNING id`, [
    runId,
    opts.benchmark ?? 'arc_easy',
    opts.totalSamples,
  ]);
  return { modelId, runId, rbId };
}

/**
 * A running shard of [start, end) of a run made by insertRun, written straight into the table, its
 * artifact expected at the worker's key. Returns its id.
 */
export async function insertShard(
  db: DataSource,
  run: { runId: string; rbId: string },
  s: { index: number; start: number; end: number; id?: string },
): Promise<string> {
  const id = s.id ?? randomUUID();
  await db.query(
    `INSERT INTO shards (id, run_id, run_benchmark_id, benchmark, shard_index, doc_start, doc_end, status, artifact_key)
     VALUES ($1, $2, $3, 'arc_easy', $4, $5, $6, 'running', $7)`,
    [id, run.runId, run.rbId, s.index, s.start, s.end, artifactKeys.shardSamples(run.runId, 'arc_easy', id)],
  );
  return id;
}

/**
 * A per-sample record of arc_easy document `doc` with made-up numbers (acc alternating by document),
 * for tests of artifacts and their ingestion. Its arguments hold a tab and a backslash, which COPY
 * text must escape.
 */
export function sampleRecord(doc: number, over: Partial<SampleRecord> = {}): SampleRecord {
  return {
    doc_id: doc,
    benchmark: 'arc_easy',
    doc_hash: 'd',
    prompt_hash: 'p',
    target_hash: 't',
    arguments: [['ctx\twith tab', ' a\\b']],
    target: 0,
    resps: [[[-1.5, false]]],
    filtered_resps: [[-1.5, false]],
    metrics: { acc: doc % 2, acc_norm: 1 },
    loss: { nll: 2.5, tokens: 3, bytes: 9 },
    tokens: { input: 10, output: 1 },
    timing: { latency_ms: 4.5 },
    ...over,
  };
}
