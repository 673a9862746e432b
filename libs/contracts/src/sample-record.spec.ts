import { SAMPLE_RECORD_SCHEMA_VERSION, unreadableSampleRecordVersion } from './sample-record';

describe('unreadableSampleRecordVersion', () => {
  it('reads a record without schema_version as the older format', () => {
    expect(unreadableSampleRecordVersion({})).toBeNull();
  });
  it('reads every version up to the one this code writes', () => {
    for (let v = 1; v <= SAMPLE_RECORD_SCHEMA_VERSION; v++) expect(unreadableSampleRecordVersion({ schema_version: v })).toBeNull();
  });
  it('refuses a newer version, saying so', () => {
    expect(unreadableSampleRecordVersion({ schema_version: SAMPLE_RECORD_SCHEMA_VERSION + 1 })).toMatch(
      new RegExp(`schema_version ${SAMPLE_RECORD_SCHEMA_VERSION + 1} is newer than this densebench reads \\(up to ${SAMPLE_RECORD_SCHEMA_VERSION}\\)`),
    );
  });
  it('refuses a value that is not a version', () => {
    for (const v of [0, -1, 1.5, '2', null]) expect(unreadableSampleRecordVersion({ schema_version: v })).toMatch(/is not a positive integer/);
  });
});
