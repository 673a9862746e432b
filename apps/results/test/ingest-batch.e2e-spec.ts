import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { copyLine, DomainException, SampleRecord } from '@app/contracts';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { insertRun, insertShard, sampleRecord } from '@app/testing';
import { IngestShardService } from '../src/ingest/ingest-shard.service';
import { ingestionUnderTest, runDocIds } from './ingestion-under-test';

/** IngestShardService.ingestMany against the real Postgres and S3 server: one transaction, failure isolation. */
describe('IngestShardService.ingestMany (Postgres + S3)', () => {
  let db: DataSource;
  let store: ArtifactStore;
  let ingest: IngestShardService;
  let close: () => Promise<void>;
  let runId: string;
  let rbId: string;
  let index = 0;

  const docs = (start: number, end: number) => Array.from({ length: end - start }, (_, i) => sampleRecord(start + i));
  const rowsOf = (id: string, recs: SampleRecord[]) => recs.map((r) => copyLine(runId, id, r)).join('');

  /**
   * A shard of docs [start, start + 3) whose rows object holds rows(id) (gzipped, or raw bytes), or
   * with rows null, only a JSONL artifact of its documents (jsonl false: no artifact at all).
   */
  async function shard(start: number, rows: ((id: string) => string | Buffer) | null = (id) => rowsOf(id, docs(start, start + 3)), jsonl = true, id = randomUUID()) {
    const key = artifactKeys.shardSamples(runId, 'arc_easy', id);
    const text = docs(start, start + 3).map((r) => JSON.stringify(r)).join('\n') + '\n';
    if (jsonl) await store.putBuffer(key, gzipSync(text), 'application/gzip');
    if (rows) {
      const body = rows(id);
      await store.putBuffer(artifactKeys.shardRows(runId, 'arc_easy', id), typeof body === 'string' ? gzipSync(body) : body, 'application/gzip', { 'samples-bytes': '1234' });
    }
    return insertShard(db, { runId, rbId }, { index: index++, start, end: start + 3, id });
  }
  const outcomes = async (ids: string[]) =>
    (await ingest.ingestMany(ids)).map((s) => (s.status === 'fulfilled' ? s.value : s.reason instanceof DomainException ? `error: ${s.reason.message}` : s.reason));
  const docIds = () => runDocIds(db, runId);
  /** Transactions that wrote the run's samples (their xmin), and that marked the given shards ingested. */
  const writers = async (ids: string[]) => ({
    samples: (await db.query(`SELECT count(DISTINCT xmin::text)::int AS n FROM samples WHERE run_id = $1`, [runId]))[0].n,
    shards: (await db.query(`SELECT count(DISTINCT xmin::text)::int AS n FROM shards WHERE id = ANY($1::uuid[])`, [ids]))[0].n,
  });
  const three = { ingested: 3, inserted: 3 };

  beforeAll(async () => {
    ({ db, store, ingest, close } = await ingestionUnderTest());
  });
  beforeEach(async () => {
    ({ runId, rbId } = await insertRun(db, { totalSamples: 30, shardSize: 3 }));
  });
  afterAll(async () => {
    await close?.();
  });

  it('lands every shard of a batch in one transaction (a JSONL-only shard too) and re-ingesting it changes nothing', async () => {
    const ids = [await shard(0), await shard(3), await shard(6, null), await shard(9)];
    expect(await outcomes(ids)).toEqual([three, three, three, three]);
    expect(await docIds()).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(await writers(ids)).toEqual({ samples: 1, shards: 1 });
    const shards = await db.query(`SELECT status, done_samples, ingested_at IS NOT NULL AS ingested FROM shards WHERE id = ANY($1::uuid[])`, [ids]);
    expect(shards).toEqual(ids.map(() => ({ status: 'done', done_samples: 3, ingested: true })));
    const artifacts = await db.query(`SELECT shard_id, kind, size_bytes::int AS size FROM artifacts WHERE shard_id = ANY($1::uuid[]) ORDER BY shard_id`, [ids]);
    expect(artifacts).toHaveLength(4);
    expect(artifacts.filter((a: { size: number }) => a.size === 1234)).toHaveLength(3); // the size the worker named
    expect(artifacts.every((a: { kind: string }) => a.kind === 'samples')).toBe(true);

    expect(await outcomes(ids)).toEqual(ids.map(() => ({ alreadyIngested: true })));
    expect(await docIds()).toHaveLength(12);
    expect(await writers(ids)).toEqual({ samples: 1, shards: 1 });
  });

  it('mixes fresh shards with one whose documents are partly there (temp table + ON CONFLICT) in one transaction', async () => {
    const again = await shard(3);
    expect(await outcomes([again])).toEqual([three]);
    await db.query(`UPDATE shards SET ingested_at = NULL WHERE id = $1`, [again]);
    await db.query(`DELETE FROM samples WHERE run_id = $1 AND doc_id = 4`, [runId]);
    const ids = [await shard(0), again, await shard(6)];
    expect(await outcomes(ids)).toEqual([three, { ingested: 3, inserted: 1 }, three]);
    expect(await docIds()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await writers(ids)).toEqual({ samples: 2, shards: 1 }); // docs 3 and 5 stay from the first ingestion
  });

  it.each([
    ['a doc outside the shard', (id: string) => rowsOf(id, [sampleRecord(3), sampleRecord(4), sampleRecord(17)]), /rows are not of shard/],
    ['another shard id', (id: string) => rowsOf(id, [sampleRecord(3), sampleRecord(4)]) + copyLine(runId, randomUUID(), sampleRecord(5)), /1 rows are not of shard/],
    ['too few rows', (id: string) => rowsOf(id, [sampleRecord(3), sampleRecord(4)]), /2 samples, expected 3/],
    ['a doc twice', (id: string) => rowsOf(id, [sampleRecord(3), sampleRecord(4), sampleRecord(4)]), /duplicate key/],
    ['a malformed row', (id: string) => rowsOf(id, [sampleRecord(3), sampleRecord(4)]) + `${runId}\tarc_easy\tfive\t${id}\t{}\t0\t0\t0\t\\N\t\\N\t\\N\n`, /invalid input syntax for type integer/],
    ['a metric that is not a number', (id: string) => rowsOf(id, [sampleRecord(3), sampleRecord(4), sampleRecord(5, { metrics: { acc: Number.NaN } })]), /metrics that are not finite numbers/],
    ['rows that are not gzip', () => Buffer.from('plain text'), /\.tsv\.gz is invalid: not gzip/],
  ])('lands the others of a batch with %s, which fails alone with its own error and loads nothing', async (_what, rows, reason) => {
    const bad = await shard(3, rows);
    const ids = [await shard(0), bad, await shard(6)];
    const [a, b, c] = await outcomes(ids);
    expect([a, c]).toEqual([three, three]);
    expect(b).toMatch(reason);
    expect(b).toMatch(/^error: artifact runs\/.*\.tsv\.gz is invalid/);
    expect(await docIds()).toEqual([0, 1, 2, 6, 7, 8]);
    // the same error as the shard alone gets
    expect(await outcomes([bad])).toEqual([b]);
    const [sh] = await db.query(`SELECT ingested_at FROM shards WHERE id = $1`, [bad]);
    expect(sh.ingested_at).toBeNull();
  });

  it('fails a shard whose artifacts are missing, and an unknown shard, landing the others', async () => {
    const missing = await shard(3, null, false);
    const unknown = randomUUID();
    const ids = [await shard(0), missing, unknown, await shard(6)];
    const [a, b, c, d] = await outcomes(ids);
    expect([a, d]).toEqual([three, three]);
    expect(b).toMatch(/^error: artifact .* of shard .* is missing/);
    expect(c).toBe(`error: shard ${unknown} not found`);
    expect(await docIds()).toEqual([0, 1, 2, 6, 7, 8]);
  });

  it('rejects two objects that swapped a row, as each alone is rejected, though together they hold the right rows', async () => {
    // Only possible to tell apart by which object a row came from: the batch checks each object's shard ids.
    const ids = [randomUUID(), randomUUID()];
    await shard(0, () => rowsOf(ids[0], [sampleRecord(0), sampleRecord(1)]) + rowsOf(ids[1], [sampleRecord(5)]), true, ids[0]);
    await shard(3, () => rowsOf(ids[1], [sampleRecord(3), sampleRecord(4)]) + rowsOf(ids[0], [sampleRecord(2)]), true, ids[1]);
    const out = await outcomes(ids);
    expect(out).toEqual([expect.stringMatching(/1 rows are not of shard/), expect.stringMatching(/1 rows are not of shard/)]);
    expect(await docIds()).toEqual([]);
  });

  it('gives a shard listed twice one ingestion', async () => {
    const id = await shard(0);
    expect(await outcomes([id, id])).toEqual([three, { alreadyIngested: true }]);
  });

  it('leaves out a shard another transaction holds, lands the rest, then ingests it once released', async () => {
    const held = await shard(3);
    const ids = [await shard(0), held, await shard(6)];
    const other = db.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    await other.query(`SELECT 1 FROM shards WHERE id = $1 FOR UPDATE`, [held]);
    const batch = outcomes(ids);
    // The batch commits the others while the held shard waits for its lock alone.
    for (let i = 0; (await docIds()).length < 6 && i < 200; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await docIds()).toEqual([0, 1, 2, 6, 7, 8]);
    await other.commitTransaction();
    await other.release();
    expect(await batch).toEqual([three, three, three]);
    expect(await docIds()).toHaveLength(9);
  });
});
