import { gzipSync } from 'node:zlib';
import { ErrorCode, SAMPLE_RECORD_SCHEMA_VERSION } from '@app/contracts';
import { parseSampleArtifact } from '../sample-artifact';

const artifact = (...records: object[]) => gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + '\n');

describe('parseSampleArtifact', () => {
  it('reads records of this version and of records written before the version field, in document order', () => {
    const out = parseSampleArtifact('k', artifact({ doc_id: 2, schema_version: SAMPLE_RECORD_SCHEMA_VERSION }, { doc_id: 1 }));
    expect([...out.keys()]).toEqual([1, 2]);
  });

  it('refuses an artifact holding a record of a newer schema version, naming the artifact and the version', () => {
    expect(() => parseSampleArtifact('runs/r/s.jsonl.gz', artifact({ doc_id: 1 }, { doc_id: 2, schema_version: SAMPLE_RECORD_SCHEMA_VERSION + 1 }))).toThrow(
      expect.objectContaining({ code: ErrorCode.Conflict, message: expect.stringMatching(/runs\/r\/s\.jsonl\.gz: schema_version \d+ is newer/) }),
    );
  });
});
