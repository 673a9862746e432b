import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { DomainException, ErrorCode } from '@app/contracts';
import type { IngestTransaction, SamplesRepository } from '@app/database';
import type { HandedRows } from '@app/queue';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { ShardRow } from './copy-rows';
import type { IngestedShard } from './load-shard';

const gunzip = promisify(gunzipCb);

/** A shard's rows object, fetched whole and gunzipped (~40 bytes a sample gzipped: small enough to hold). */
export interface FetchedRows {
  key: string;
  text: Buffer;
  samples: IngestedShard['samples'];
}

/** Thrown when a batch cannot be accepted as a whole; each of its shards is then ingested alone, for its own error. */
export class BatchRejected extends Error {}

/**
 * Starts fetching a fresh shard's rows object: the copy the worker handed over through Redis when
 * there is one, else a GET; gunzip (zlib's thread pool) and the size of the JSONL it stands for
 * (named by the worker, else looked up). Null when the worker wrote no rows. The promise is marked
 * handled: the caller awaits it later, maybe after another fetch failed.
 */
export function fetchRows(store: ArtifactStore, shard: ShardRow, handed?: HandedRows): Promise<FetchedRows | null> {
  const fetched = (async () => {
    const key = artifactKeys.shardRows(shard.runId, shard.benchmark, shard.id);
    if (handed) return { key, text: await gunzip(handed.rows), samples: { contentType: 'application/gzip', sizeBytes: handed.samplesBytes } };
    const object = await store.getStream(key);
    if (!object) return null;
    const parts: Buffer[] = [];
    for await (const part of object.body) parts.push(part as Buffer);
    const text = await gunzip(Buffer.concat(parts));
    const named = Number(object.metadata['samples-bytes']);
    if (Number.isInteger(named) && named > 0) return { key: object.key, text, samples: { contentType: 'application/gzip', sizeBytes: named } };
    const samples = await store.head(shard.artifactKey);
    if (!samples) throw new DomainException(ErrorCode.MissingResource, `artifact ${shard.artifactKey} of shard ${shard.id} is missing`);
    return { key: object.key, text, samples };
  })();
  fetched.catch(() => undefined);
  return fetched;
}

const TAB = 9;
const LF = 10;

/**
 * The number of COPY text rows in text, when every one carries shardId as its 4th column (shard_id, see
 * SAMPLE_COLUMNS); -1 as soon as one does not. With the batch's range check this ties each row to the
 * object it came from, which one COPY of many objects cannot tell by itself.
 */
export function countShardRows(text: Buffer, shardId: string): number {
  const id = Buffer.from(shardId, 'latin1');
  let rows = 0;
  for (let start = 0; start < text.length; rows++) {
    let end = text.indexOf(LF, start);
    if (end < 0) end = text.length;
    let col = start;
    for (let tabs = 0; tabs < 3; tabs++) {
      col = text.indexOf(TAB, col);
      if (col < 0 || col >= end) return -1;
      col++;
    }
    if (col + id.length >= end || text[col + id.length] !== TAB || text.compare(id, 0, id.length, col, col + id.length) !== 0) return -1;
    start = end + 1;
  }
  return rows;
}

/**
 * COPYs the rows objects of fresh shards (none of their documents in samples) straight into samples
 * with ONE COPY, each object written as soon as its fetch completes, then checks them all with ONE
 * query grouped by shard. Accepts nothing that copyRows rejects for a shard alone: each object's rows
 * all carry its shard id and are as many as the shard's documents (countShardRows), and each shard's
 * key range now holds that many rows, all with its shard id and metrics objects of numbers. The ranges
 * are disjoint and were empty, so the COPY's row count equalling their sum puts every row inside its
 * shard's range; the primary key makes documents distinct. Anything else throws (BatchRejected or the
 * COPY's error), the caller rolls back and loads the shards one by one, which also settles the few
 * objects only the batch refuses (e.g. an upper-case shard id). Shards without a rows object are
 * returned for the JSONL path.
 */
export async function copyFreshShards(
  samples: SamplesRepository,
  t: IngestTransaction,
  shards: ShardRow[],
  fetches: Map<string, Promise<FetchedRows | null>>,
): Promise<{ loaded: IngestedShard[]; withoutRows: ShardRow[] }> {
  const loaded: IngestedShard[] = [];
  const withoutRows: ShardRow[] = [];
  if (shards.length === 0) return { loaded, withoutRows };
  async function* objects(): AsyncGenerator<Buffer> {
    for (const shard of shards) {
      const rows = await fetches.get(shard.id);
      if (!rows) {
        withoutRows.push(shard);
        continue;
      }
      const count = countShardRows(rows.text, shard.id);
      if (count !== shard.docEnd - shard.docStart) throw new BatchRejected(`${rows.key}: ${count < 0 ? 'a row of another shard or malformed' : `${count} rows`}`);
      loaded.push({ shard, key: rows.key, count, inserted: count, samples: rows.samples });
      // Objects are concatenated: a last row without its line end would run into the next object's first.
      yield rows.text;
      if (rows.text.length > 0 && rows.text[rows.text.length - 1] !== LF) yield Buffer.from('\n');
    }
  }
  const copy = samples.copyInto(t, 'samples');
  await pipeline(Readable.from(objects()), copy);
  if (loaded.length === 0) return { loaded, withoutRows };

  const expected = loaded.reduce((n, d) => n + d.count, 0);
  if (Number(copy.rowCount) !== expected) throw new BatchRejected(`${copy.rowCount} rows copied, expected ${expected}`);
  const bad = await samples.checkCopiedBatch(t, loaded.map((d) => d.shard));
  if (bad.length > 0) throw new BatchRejected(`shard(s) ${bad.join(', ')} failed the check`);
  return { loaded, withoutRows };
}
