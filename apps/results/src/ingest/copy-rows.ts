import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DomainException, ErrorCode, SampleRecord } from '@app/contracts';
import type { IngestShardRow, IngestTransaction, SamplesRepository, SampleTarget } from '@app/database';
import type { ArtifactStore, ObjectStream, StoredObject } from '@app/storage';
import { copyBatches, gunzipped } from './jsonl-lines';
import { copyLine, invalidReason } from './sample-rows';

export type ShardRow = IngestShardRow;

/** Rows COPYed for a shard: how many, from which object, and the per-sample JSONL artifact they stand for. */
export interface LoadedRows {
  key: string;
  count: number;
  samples: Pick<StoredObject, 'contentType' | 'sizeBytes'>;
}

export const invalidArtifact = (key: string, why: string) => new DomainException(ErrorCode.InvalidInput, `artifact ${key} is invalid: ${why}`);

/** PostgreSQL's data-exception (22) and integrity-violation (23) classes: the input, not the server. */
const isBadInput = (err: unknown) => typeof (err as { code?: unknown })?.code === 'string' && /^2[23]/.test((err as { code: string }).code);

/**
 * COPYs the worker's rows object (COPY text, gzipped) into target as it streams in, then checks what
 * arrived with one query: as many rows as the shard has documents, all of them the shard's (run,
 * benchmark, document range, shard id), distinct documents, and metrics that are objects of numbers.
 * Malformed rows are PostgreSQL errors, reported as an invalid artifact; the caller rolls back.
 */
export async function copyRows(
  store: ArtifactStore,
  samples: SamplesRepository,
  t: IngestTransaction,
  shard: ShardRow,
  rows: ObjectStream,
  target: SampleTarget,
): Promise<LoadedRows> {
  const copy = samples.copyInto(t, target);
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  try {
    await pipeline(rows.body, gunzip, copy);
  } catch (err) {
    if (isBadInput(err)) throw invalidArtifact(rows.key, (err as Error).message);
    if ((err as { code?: string }).code === 'Z_DATA_ERROR' || (err as { code?: string }).code === 'Z_BUF_ERROR') throw invalidArtifact(rows.key, `not gzip (${(err as Error).message})`);
    throw err;
  }
  const copied = Number(copy.rowCount);
  const check = await samples.checkCopied(t, target, shard);
  if (check.n !== copied || check.foreign > 0) throw invalidArtifact(rows.key, `${copied - check.n + check.foreign} rows are not of shard ${shard.id} (${shard.benchmark} documents [${shard.docStart}, ${shard.docEnd}))`);
  if (check.docs !== check.n) throw invalidArtifact(rows.key, `${check.n - check.docs} documents appear twice`);
  if (check.badMetrics > 0) throw invalidArtifact(rows.key, `${check.badMetrics} rows have metrics that are not finite numbers`);
  // The worker writes the rows once the JSONL is stored, and names its size; otherwise look it up.
  const samplesBytes = Number(rows.metadata['samples-bytes']);
  if (Number.isInteger(samplesBytes) && samplesBytes > 0) return { key: rows.key, count: copied, samples: { contentType: 'application/gzip', sizeBytes: samplesBytes } };
  const jsonl = await store.head(shard.artifactKey);
  if (!jsonl) throw new DomainException(ErrorCode.MissingResource, `artifact ${shard.artifactKey} of shard ${shard.id} is missing (its rows are in ${rows.key})`);
  return { key: rows.key, count: copied, samples: jsonl };
}

/** COPYs the rows of the shard's per-sample JSONL artifact, parsed and checked line by line, into target. */
export async function copyJsonl(
  store: ArtifactStore,
  samples: SamplesRepository,
  t: IngestTransaction,
  shard: ShardRow,
  target: SampleTarget,
  opened: (body: Readable) => void,
): Promise<LoadedRows> {
  const object = await store.getStream(shard.artifactKey);
  if (!object) throw new DomainException(ErrorCode.MissingResource, `artifact ${shard.artifactKey} of shard ${shard.id} is missing`);
  opened(object.body);
  const invalid = (why: string) => invalidArtifact(shard.artifactKey, why);
  const copy = samples.copyInto(t, target);
  let count = 0;
  const seen = new Set<number>();
  const toRow = (line: string): string => {
    let rec: SampleRecord;
    try {
      rec = JSON.parse(line) as SampleRecord;
    } catch {
      throw invalid(`line ${count + 1} is not JSON`);
    }
    const why = invalidReason(rec, shard.benchmark, shard.docStart, shard.docEnd);
    if (why) throw invalid(`line ${count + 1}: ${why}`);
    if (seen.has(rec.doc_id)) throw invalid(`doc ${rec.doc_id} appears twice`);
    seen.add(rec.doc_id);
    count++;
    return copyLine(shard.runId, shard.id, rec);
  };
  await pipeline(Readable.from(copyBatches(gunzipped(object.body), toRow)), copy);
  return { key: shard.artifactKey, count, samples: object };
}
