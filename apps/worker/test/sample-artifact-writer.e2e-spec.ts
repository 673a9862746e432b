import { randomBytes, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { copyLine, SampleRecord } from '@app/contracts';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { sampleRecord, testArtifactStore } from '@app/testing';
import { SampleArtifactWriter } from '../src/shards/sample-artifact-writer';

/** The worker's artifact writer against the embedded S3 server: what lands, sizes, and the ways it fails. */
describe('SampleArtifactWriter (S3)', () => {
  let store: ArtifactStore;

  // ~1.5 KB a record, so a few hundred of them span several compressor chunks
  const record = (doc: number): SampleRecord => sampleRecord(doc, { arguments: [[`context ${doc} ${'x'.repeat(1500)}`, ' answer']] });
  const shard = (samples: number) => {
    const runId = randomUUID();
    const shardId = randomUUID();
    const key = artifactKeys.shardSamples(runId, 'arc_easy', shardId);
    const meta = { 'run-id': runId, 'shard-id': shardId, benchmark: 'arc_easy', samples: String(samples), 'worker-id': 'w' };
    return { runId, shardId, key, meta, rowsKey: artifactKeys.shardRows(runId, 'arc_easy', shardId) };
  };

  beforeAll(async () => {
    store = testArtifactStore();
    await store.ensureBucket();
  });

  it('stores every record as one JSONL line, in order, and the COPY rows beside it naming the JSONL size', async () => {
    const s = shard(300);
    const writer = new SampleArtifactWriter(store, s.key, s.meta);
    const recs = Array.from({ length: 300 }, (_, i) => record(i));
    for (const r of recs) await writer.write(r);
    const stored = await writer.finish();

    const body = await store.getBuffer(s.key);
    expect(stored.samples.sizeBytes).toBe(body!.length);
    expect(gunzipSync(body!).toString()).toBe(recs.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const head = await store.head(s.key);
    expect(head!.metadata).toMatchObject({ samples: '300', 'shard-id': s.shardId });

    const rows = await store.head(s.rowsKey);
    expect(rows!.metadata['samples-bytes']).toBe(String(body!.length));
    expect(gunzipSync((await store.getBuffer(s.rowsKey))!).toString()).toBe(recs.map((r) => copyLine(s.runId, s.shardId, r)).join(''));
    // finish() also returns the rows object as stored (what the worker hands to the results service).
    expect(stored.rows.equals((await store.getBuffer(s.rowsKey))!)).toBe(true);
  });

  it('refuses to finish with fewer samples than the shard has, and stores nothing', async () => {
    const s = shard(5);
    const writer = new SampleArtifactWriter(store, s.key, s.meta);
    for (let i = 0; i < 4; i++) await writer.write(record(i));
    await expect(writer.finish()).rejects.toThrow(/wrote 4 samples, expected 5/);
    expect(await store.head(s.key)).toBeNull();
    expect(await store.head(s.rowsKey)).toBeNull();
  });

  it('an aborted shard leaves no object', async () => {
    const s = shard(400);
    const writer = new SampleArtifactWriter(store, s.key, s.meta);
    for (let i = 0; i < 200; i++) await writer.write(record(i));
    writer.abort(new Error('cancelled'));
    await new Promise((r) => setTimeout(r, 200));
    expect(await store.head(s.key)).toBeNull();
    expect(await store.head(s.rowsKey)).toBeNull();
  });

  it('a failing upload fails the writes or finish() with its error instead of hanging', async () => {
    const broken = testArtifactStore(`no-such-bucket-${randomUUID().slice(0, 8)}`);
    const s = shard(12_000);
    const writer = new SampleArtifactWriter(broken, s.key, s.meta);
    // Incompressible records, more than one 8 MB part: the upload fails at its first part and stops reading, so gzip backs up.
    const noise = (i: number): SampleRecord => ({ ...record(i), arguments: [[randomBytes(1500).toString('hex'), ' answer']] });
    const run = async () => {
      for (let i = 0; i < 12_000; i++) await writer.write(noise(i));
      return writer.finish();
    };
    await expect(run()).rejects.toThrow(/bucket/i);
  });
});
