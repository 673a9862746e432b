import { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import type { QueryRunner } from 'typeorm';
import { ArtifactKind, ShardStatus } from '@app/contracts';
import type { HandedRows } from '@app/queue';
import { ArtifactStore, artifactKeys, ObjectStream } from '@app/storage';
import { copyJsonl, copyRows, invalidArtifact, LoadedRows, ShardRow } from './copy-rows';

/** A shard whose samples are in samples (in the open transaction), ready to be marked ingested. */
export interface IngestedShard extends LoadedRows {
  shard: ShardRow;
  inserted: number;
}

/**
 * Locks shard rows and tells, for each, whether it is ingested already and whether none of its documents
 * is in samples yet ("fresh"). Ordered by id, so that two batches sharing shards lock them in the same
 * order. With skipLocked a row another transaction holds is left out instead of waited for: a batch
 * holding many shard locks then never waits on one, so it cannot deadlock with the API's multi-row
 * shard updates (cancel, the lost-worker sweep) whatever their order; the caller ingests those alone.
 */
export async function lockShards(runner: QueryRunner, ids: string[], skipLocked: boolean): Promise<ShardRow[]> {
  return runner.query(
    `SELECT sh.id, sh.run_id AS "runId", sh.benchmark, sh.doc_start AS "docStart", sh.doc_end AS "docEnd", sh.artifact_key AS "artifactKey",
            sh.ingested_at IS NOT NULL AS ingested,
            NOT EXISTS (SELECT 1 FROM samples s WHERE s.run_id = sh.run_id AND s.benchmark = sh.benchmark
                                                 AND s.doc_id >= sh.doc_start AND s.doc_id < sh.doc_end) AS fresh
       FROM shards sh WHERE sh.id = ANY($1::uuid[]) ORDER BY sh.id FOR UPDATE OF sh${skipLocked ? ' SKIP LOCKED' : ''}`,
    [ids],
  );
}

/**
 * Loads one shard on its own (inside the caller's transaction): the worker's COPY rows when it wrote
 * them (no JSON to parse; the copy it handed over through Redis when given), else rows derived from
 * the JSONL; straight into samples when the shard is fresh, else through a temporary table and
 * INSERT … ON CONFLICT DO NOTHING, so that re-ingesting adds nothing. Throws the shard's specific
 * error when its artifact is invalid or missing.
 */
export async function loadShard(runner: QueryRunner, client: PoolClient, store: ArtifactStore, shard: ShardRow, handed?: HandedRows): Promise<IngestedShard> {
  let body: Readable | undefined;
  try {
    if (!shard.fresh) await runner.query(`CREATE TEMP TABLE tmp_samples (LIKE samples INCLUDING DEFAULTS) ON COMMIT DROP`);
    const target = shard.fresh ? 'samples' : 'tmp_samples';
    const key = artifactKeys.shardRows(shard.runId, shard.benchmark, shard.id);
    const rows = handed ? handedObject(key, handed) : await store.getStream(key);
    body = rows?.body;
    const loaded = rows ? await copyRows(store, runner, client, shard, rows, target) : await copyJsonl(store, client, shard, target, (b) => (body = b));
    const expected = shard.docEnd - shard.docStart;
    if (loaded.count !== expected) throw invalidArtifact(loaded.key, `${loaded.count} samples, expected ${expected}`);
    if (shard.fresh) return { ...loaded, shard, inserted: loaded.count };
    const [{ n }]: Array<{ n: number }> = await runner.query(
      `WITH ins AS (INSERT INTO samples SELECT * FROM tmp_samples ON CONFLICT (run_id, benchmark, doc_id) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
    );
    // A batch may hold several such shards: the next one creates the table again.
    await runner.query(`DROP TABLE tmp_samples`);
    return { ...loaded, shard, inserted: n };
  } catch (err) {
    body?.destroy();
    throw err;
  }
}

/** Handed-over rows as the S3 object they copy. */
const handedObject = (key: string, handed: HandedRows): ObjectStream => ({
  key,
  body: Readable.from([handed.rows]),
  sizeBytes: handed.rows.length,
  contentType: 'application/gzip',
  metadata: { 'samples-bytes': String(handed.samplesBytes) },
});

/** Marks shards done and ingested and records their sample artifacts: one statement for any number of shards. */
export async function recordIngested(runner: QueryRunner, done: IngestedShard[]): Promise<void> {
  if (done.length === 0) return;
  const col = <T>(f: (d: IngestedShard) => T) => done.map(f);
  await runner.query(
    `WITH done AS (
       UPDATE shards sh SET status = $1, done_samples = d.n, ingested_at = now(), finished_at = coalesce(sh.finished_at, now()), error = NULL
         FROM unnest($2::uuid[], $3::int[]) AS d(id, n) WHERE sh.id = d.id
     )
     INSERT INTO artifacts (run_id, kind, key, content_type, size_bytes, benchmark, shard_id)
     SELECT a.run_id, $4, a.key, a.content_type, a.size_bytes, a.benchmark, a.shard_id
       FROM unnest($5::uuid[], $6::text[], $7::text[], $8::bigint[], $9::text[], $2::uuid[]) AS a(run_id, key, content_type, size_bytes, benchmark, shard_id)
     ON CONFLICT (key) DO NOTHING`,
    [
      ShardStatus.Done,
      col((d) => d.shard.id),
      col((d) => d.count),
      ArtifactKind.Samples,
      col((d) => d.shard.runId),
      col((d) => d.shard.artifactKey),
      col((d) => d.samples.contentType ?? 'application/gzip'),
      col((d) => d.samples.sizeBytes),
      col((d) => d.shard.benchmark),
    ],
  );
}
