import { SAMPLE_RECORD_SCHEMA_VERSION, SampleRecord } from '@app/contracts';
import { invalidReason } from './sample-rows';

const rec = (over: Partial<SampleRecord> = {}) => ({ doc_id: 3, benchmark: 'arc_easy', metrics: { acc: 1 }, ...over }) as SampleRecord;

describe('invalidReason (a line of a shard artifact at ingest)', () => {
  it('accepts a record of the current version and one written before records carried a version', () => {
    expect(invalidReason(rec({ schema_version: SAMPLE_RECORD_SCHEMA_VERSION }), 'arc_easy', 0, 10)).toBeNull();
    expect(invalidReason(rec(), 'arc_easy', 0, 10)).toBeNull();
  });
  it('refuses a record of a newer version instead of misreading it', () => {
    expect(invalidReason(rec({ schema_version: SAMPLE_RECORD_SCHEMA_VERSION + 1 }), 'arc_easy', 0, 10)).toMatch(/is newer than this densebench reads/);
  });
  it('names a doc outside the shard and a metric that is not a number', () => {
    expect(invalidReason(rec({ doc_id: 10 }), 'arc_easy', 0, 10)).toBe('doc_id 10 outside [0, 10)');
    expect(invalidReason(rec({ metrics: { acc: Number.NaN } }), 'arc_easy', 0, 10)).toBe('metric acc is not a finite number');
  });
});
