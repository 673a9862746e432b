import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { copyLine, DomainException, SampleRecord } from '@app/contracts';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { insertRun, insertShard, sampleRecord } from '@app/testing';
import { IngestShardService } from '../src/ingest/ingest-shard.service';
import { ingestionUnderTest } from './ingestion-under-test';

/** IngestShardService against the real Postgres and S3 server: COPY, idempotency, rejected artifacts. */
describe('IngestShardService (Postgres + S3)', () => {
  let db: DataSource;
  let store: ArtifactStore;
  let ingest: IngestShardService;
  let close: () => Promise<void>;
  let runId: string;
  let rbId: string;
  let index = 0;

  const jsonl = (recs: unknown[], eol = '\n') => recs.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(eol) + eol;

  /** A shard of docs [start, end) whose artifact holds `text` (gzipped); returns its id. */
  async function shard(text: string | null, start = 0, end = 3): Promise<string> {
    const id = randomUUID();
    if (text !== null) await store.putBuffer(artifactKeys.shardSamples(runId, 'arc_easy', id), gzipSync(text), 'application/gzip');
    return insertShard(db, { runId, rbId }, { index: index++, start, end, id });
  }
  const rows = async (): Promise<Array<{ doc_id: number; metrics: Record<string, number>; loss_nll: number; latency_ms: number }>> =>
    db.query(`SELECT doc_id, metrics, loss_nll, latency_ms FROM samples WHERE run_id = $1 ORDER BY doc_id`, [runId]);
  const rejected = async (id: string) => {
    const err = await ingest.ingest(id).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DomainException);
    return (err as Error).message;
  };

  beforeAll(async () => {
    ({ db, store, ingest, close } = await ingestionUnderTest());
  });
  beforeEach(async () => {
    ({ runId, rbId } = await insertRun(db, { totalSamples: 6, shardSize: 3 }));
  });
  afterAll(async () => {
    await close?.();
  });

  it('loads every sample, marks the shard done, and changes nothing when ingested again', async () => {
    const id = await shard(jsonl([sampleRecord(0), sampleRecord(1), sampleRecord(2)]));
    expect(await ingest.ingest(id)).toEqual({ ingested: 3, inserted: 3 });
    expect(await rows()).toEqual([
      { doc_id: 0, metrics: { acc: 0, acc_norm: 1 }, loss_nll: 2.5, latency_ms: 4.5 },
      { doc_id: 1, metrics: { acc: 1, acc_norm: 1 }, loss_nll: 2.5, latency_ms: 4.5 },
      { doc_id: 2, metrics: { acc: 0, acc_norm: 1 }, loss_nll: 2.5, latency_ms: 4.5 },
    ]);
    const [sh] = await db.query(`SELECT status, done_samples, ingested_at FROM shards WHERE id = $1`, [id]);
    expect(sh).toMatchObject({ status: 'done', done_samples: 3 });
    expect(sh.ingested_at).not.toBeNull();
    expect(await db.query(`SELECT kind FROM artifacts WHERE shard_id = $1`, [id])).toEqual([{ kind: 'samples' }]);
    expect(await ingest.ingest(id)).toEqual({ alreadyIngested: true });
    // Its rows there already (e.g. marked not ingested again): through ON CONFLICT, nothing new.
    await db.query(`UPDATE shards SET ingested_at = NULL WHERE id = $1`, [id]);
    await db.query(`DELETE FROM samples WHERE run_id = $1 AND doc_id = 1`, [runId]);
    expect(await ingest.ingest(id)).toEqual({ ingested: 3, inserted: 1 });
    expect((await rows()).map((r) => r.doc_id)).toEqual([0, 1, 2]);
  });

  it('ingests a shard once when two ingestions of it race', async () => {
    const id = await shard(jsonl([sampleRecord(3), sampleRecord(4), sampleRecord(5)]), 3, 6);
    const outcomes = await Promise.all([ingest.ingest(id), ingest.ingest(id)]);
    expect(outcomes).toEqual(expect.arrayContaining([{ ingested: 3, inserted: 3 }, { alreadyIngested: true }]));
    expect((await rows()).map((r) => r.doc_id)).toEqual([3, 4, 5]);
  });

  it('accepts CRLF line ends, blank lines and a last line without a line end', async () => {
    const text = `\r\n${JSON.stringify(sampleRecord(0))}\r\n\r\n${JSON.stringify(sampleRecord(1))}\r\n${JSON.stringify(sampleRecord(2))}`;
    expect(await ingest.ingest(await shard(text))).toEqual({ ingested: 3, inserted: 3 });
  });

  it.each([
    ['not JSON', () => jsonl([sampleRecord(0), '{oops', sampleRecord(2)]), 'line 2 is not JSON'],
    ['another benchmark', () => jsonl([sampleRecord(0), sampleRecord(1, { benchmark: 'hellaswag' }), sampleRecord(2)]), 'line 2: benchmark hellaswag is not arc_easy'],
    ['a doc outside the shard', () => jsonl([sampleRecord(0), sampleRecord(1), sampleRecord(7)]), 'line 3: doc_id 7 outside [0, 3)'],
    ['a metric that is not a number', () => jsonl([sampleRecord(0, { metrics: { acc: 'x' } as never }), sampleRecord(1), sampleRecord(2)]), 'line 1: metric acc is not a finite number'],
    ['a doc twice', () => jsonl([sampleRecord(0), sampleRecord(1), sampleRecord(1)]), 'doc 1 appears twice'],
    ['too few samples', () => jsonl([sampleRecord(0), sampleRecord(1)]), '2 samples, expected 3'],
  ])('rejects an artifact with %s, loading nothing', async (_what, text, reason) => {
    const id = await shard(text());
    expect(await rejected(id)).toMatch(`is invalid: ${reason}`);
    expect(await rows()).toEqual([]);
    const [sh] = await db.query(`SELECT ingested_at FROM shards WHERE id = $1`, [id]);
    expect(sh.ingested_at).toBeNull();
  });

  it('reports a missing artifact and an unknown shard', async () => {
    expect(await rejected(await shard(null))).toMatch(/artifact .* is missing/);
    expect(await rejected(randomUUID())).toMatch(/not found/);
  });

  describe('from the worker\'s COPY rows (no JSON parsed)', () => {
    /** A shard whose rows object holds `text` (gzipped unless raw) and whose JSONL holds `jsonlText`; returns its id. */
    async function rowsShard(text: string | Buffer, opts: { start?: number; end?: number; jsonlText?: string | null; meta?: Record<string, string> } = {}) {
      const id = await shard(opts.jsonlText === undefined ? 'not gzip: the rows are read instead' : opts.jsonlText, opts.start ?? 0, opts.end ?? 3);
      const buf = typeof text === 'string' ? gzipSync(text) : text;
      await store.putBuffer(artifactKeys.shardRows(runId, 'arc_easy', id), buf, 'application/gzip', opts.meta ?? { 'samples-bytes': '1234' });
      return id;
    }
    const rowsOf = (id: string, recs: SampleRecord[]) => recs.map((r) => copyLine(runId, id, r)).join('');
    // the shard id is only known once the shard exists: write the rows after creating it
    async function validShard(recs: (id: string) => SampleRecord[], opts: Parameters<typeof rowsShard>[1] = {}) {
      const id = await rowsShard('', opts);
      await store.putBuffer(artifactKeys.shardRows(runId, 'arc_easy', id), gzipSync(rowsOf(id, recs(id))), 'application/gzip', opts.meta ?? { 'samples-bytes': '1234' });
      return id;
    }

    it('COPYs them as they are, records the JSONL artifact with the size the worker named, and is idempotent', async () => {
      const id = await validShard(() => [sampleRecord(0), sampleRecord(1), sampleRecord(2)]);
      expect(await ingest.ingest(id)).toEqual({ ingested: 3, inserted: 3 });
      expect(await rows()).toEqual([
        { doc_id: 0, metrics: { acc: 0, acc_norm: 1 }, loss_nll: 2.5, latency_ms: 4.5 },
        { doc_id: 1, metrics: { acc: 1, acc_norm: 1 }, loss_nll: 2.5, latency_ms: 4.5 },
        { doc_id: 2, metrics: { acc: 0, acc_norm: 1 }, loss_nll: 2.5, latency_ms: 4.5 },
      ]);
      expect(await db.query(`SELECT kind, size_bytes::int AS size FROM artifacts WHERE shard_id = $1`, [id])).toEqual([{ kind: 'samples', size: 1234 }]);
      await db.query(`UPDATE shards SET ingested_at = NULL WHERE id = $1`, [id]);
      await db.query(`DELETE FROM samples WHERE run_id = $1 AND doc_id = 2`, [runId]);
      expect(await ingest.ingest(id)).toEqual({ ingested: 3, inserted: 1 });
      expect((await rows()).map((r) => r.doc_id)).toEqual([0, 1, 2]);
    });

    it('looks the JSONL artifact up when the rows do not name its size, and refuses rows without it', async () => {
      const present = await validShard(() => [sampleRecord(0), sampleRecord(1), sampleRecord(2)], { jsonlText: jsonl([sampleRecord(0), sampleRecord(1), sampleRecord(2)]), meta: {} });
      expect(await ingest.ingest(present)).toEqual({ ingested: 3, inserted: 3 });
      const [{ size }] = await db.query(`SELECT size_bytes::int AS size FROM artifacts WHERE shard_id = $1`, [present]);
      expect(size).toBeGreaterThan(20);
      const absent = await validShard(() => [sampleRecord(3), sampleRecord(4), sampleRecord(5)], { start: 3, end: 6, jsonlText: null, meta: {} });
      expect(await rejected(absent)).toMatch(/artifact .*\.jsonl\.gz of shard .* is missing \(its rows are in .*\.tsv\.gz\)/);
      expect((await rows()).map((r) => r.doc_id)).toEqual([0, 1, 2]);
    });

    it.each([
      ['too few rows', (id: string) => rowsOf(id, [sampleRecord(0), sampleRecord(1)]), '2 samples, expected 3'],
      ['a doc outside the shard', (id: string) => rowsOf(id, [sampleRecord(0), sampleRecord(1), sampleRecord(7)]), '1 rows are not of shard'],
      ['another benchmark', (id: string) => rowsOf(id, [sampleRecord(0), sampleRecord(1, { benchmark: 'hellaswag' }), sampleRecord(2)]), '1 rows are not of shard'],
      ['another shard id', (id: string) => rowsOf(id, [sampleRecord(0), sampleRecord(1)]) + copyLine(runId, randomUUID(), sampleRecord(2)), '1 rows are not of shard'],
      ['a doc twice', (id: string) => rowsOf(id, [sampleRecord(0), sampleRecord(1), sampleRecord(1)]), 'duplicate key'],
      ['a metric that is not a number', (id: string) => rowsOf(id, [sampleRecord(0), sampleRecord(1), sampleRecord(2, { metrics: { acc: Number.NaN } })]), 'metrics that are not finite numbers'],
      ['a malformed row', (id: string) => rowsOf(id, [sampleRecord(0), sampleRecord(1)]) + `${runId}\tarc_easy\ttwo\t${id}\t{}\t0\t0\t0\t\\N\t\\N\t\\N\n`, 'invalid input syntax for type integer'],
      ['bad JSON in metrics', (id: string) => rowsOf(id, [sampleRecord(0), sampleRecord(1)]) + `${runId}\tarc_easy\t2\t${id}\t{oops\t0\t0\t0\t\\N\t\\N\t\\N\n`, 'invalid input syntax for type json'],
    ])('rejects rows with %s, loading nothing', async (_what, text, reason) => {
      const id = await rowsShard('');
      await store.putBuffer(artifactKeys.shardRows(runId, 'arc_easy', id), gzipSync(text(id)), 'application/gzip', { 'samples-bytes': '1' });
      expect(await rejected(id)).toMatch(reason);
      expect(await rejected(id)).toMatch(/artifact runs\/.*\.tsv\.gz is invalid/);
      expect(await rows()).toEqual([]);
      const [sh] = await db.query(`SELECT ingested_at FROM shards WHERE id = $1`, [id]);
      expect(sh.ingested_at).toBeNull();
    });

    it('rejects a rows object that is not gzip', async () => {
      const id = await rowsShard(Buffer.from('plain text, not gzip'));
      expect(await rejected(id)).toMatch(/\.tsv\.gz is invalid: not gzip/);
      expect(await rows()).toEqual([]);
    });
  });
});
