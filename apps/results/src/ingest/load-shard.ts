import { Readable } from 'node:stream';
import type { IngestTransaction, SamplesRepository } from '@app/database';
import type { HandedRows } from '@app/queue';
import { ArtifactStore, artifactKeys, ObjectStream } from '@app/storage';
import { copyJsonl, copyRows, invalidArtifact, LoadedRows, ShardRow } from './copy-rows';

/** A shard whose samples are in samples (in the open transaction), ready to be marked ingested. */
export interface IngestedShard extends LoadedRows {
  shard: ShardRow;
  inserted: number;
}

/**
 * Loads one shard on its own (inside the caller's transaction): the worker's COPY rows when it wrote
 * them (no JSON to parse; the copy it handed over through Redis when given), else rows derived from
 * the JSONL; straight into samples when the shard is fresh, else through a temporary table and
 * INSERT … ON CONFLICT DO NOTHING, so that re-ingesting adds nothing. Throws the shard's specific
 * error when its artifact is invalid or missing.
 */
export async function loadShard(
  samples: SamplesRepository,
  t: IngestTransaction,
  store: ArtifactStore,
  shard: ShardRow,
  handed?: HandedRows,
): Promise<IngestedShard> {
  let body: Readable | undefined;
  try {
    if (!shard.fresh) await samples.createTmp(t);
    const target = shard.fresh ? 'samples' : 'tmp_samples';
    const key = artifactKeys.shardRows(shard.runId, shard.benchmark, shard.id);
    const rows = handed ? handedObject(key, handed) : await store.getStream(key);
    body = rows?.body;
    const loaded = rows ? await copyRows(store, samples, t, shard, rows, target) : await copyJsonl(store, samples, t, shard, target, (b) => (body = b));
    const expected = shard.docEnd - shard.docStart;
    if (loaded.count !== expected) throw invalidArtifact(loaded.key, `${loaded.count} samples, expected ${expected}`);
    if (shard.fresh) return { ...loaded, shard, inserted: loaded.count };
    // Dropped: a batch may hold several such shards, and the next one creates the table again.
    return { ...loaded, shard, inserted: await samples.insertFromTmp(t) };
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
