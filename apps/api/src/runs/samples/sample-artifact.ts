import { gunzipSync } from 'node:zlib';
import { DomainException, ErrorCode, SampleRecord, unreadableSampleRecordVersion } from '@app/contracts';

/**
 * A stored shard artifact's records by document id, in document order. A record of a schema version this API cannot
 * read (a newer densebench wrote it) is refused with the reason, instead of being shown half understood.
 */
export function parseSampleArtifact(key: string, gzipped: Buffer): Map<number, SampleRecord> {
  const records = gunzipSync(gzipped)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as SampleRecord)
    .sort((a, b) => a.doc_id - b.doc_id);
  const unreadable = records.map((r) => unreadableSampleRecordVersion(r)).find((why) => why !== null);
  if (unreadable) throw new DomainException(ErrorCode.Conflict, `samples artifact ${key}: ${unreadable}`);
  return new Map(records.map((r) => [r.doc_id, r]));
}
