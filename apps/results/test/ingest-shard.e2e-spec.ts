import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { DomainException, SampleRecord } from '@app/contracts';
import { dataSourceOptions } from '@app/database';
import { ArtifactStore, createS3Client } from '@app/storage';
import { readState } from '@app/testing';
import { IngestShardService } from '../src/ingest/ingest-shard.service';

/** IngestShardService against the real Postgres and S3 server: COPY, idempotency, rejected artifacts. */
describe('IngestShardService (Postgres + S3)', () => {
  let db: DataSource;
  let store: ArtifactStore;
  let ingest: IngestShardService;
  let runId: string;
  let rbId: string;
  let index = 0;

  const record = (doc: number, over: Partial<SampleRecord> = {}): SampleRecord => ({
    doc_id: doc, benchmark: 'arc_easy', doc_hash: 'd', prompt_hash: 'p', target_hash: 't', arguments: [['ctx\twith tab', ' a\\b']], target: 0,
    resps: [[[-1.5, false]]], filtered_resps: [[-1.5, false]], metrics: { acc: doc % 2, acc_norm: 1 },
    loss: { nll: 2.5, tokens: 3, bytes: 9 }, tokens: { input: 10, output: 1 }, timing: { latency_ms: 4.5 }, ...over,
  });
  const jsonl = (recs: unknown[], eol = '\n') => recs.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join(eol) + eol;

  /** A shard of docs [start, end) whose artifact holds `text` (gzipped); returns its id. */
  async function shard(text: string | null, start = 0, end = 3): Promise<string> {
    const id = randomUUID();
    const key = `runs/${runId}/samples/arc_easy/${id}.jsonl.gz`;
    if (text !== null) await store.putBuffer(key, gzipSync(text), 'application/gzip');
    await db.query(
      `INSERT INTO shards (id, run_id, run_benchmark_id, benchmark, shard_index, doc_start, doc_end, status, artifact_key)
       VALUES ($1, $2, $3, 'arc_easy', $4, $5, $6, 'running', $7)`,
      [id, runId, rbId, index++, start, end, key],
    );
    return id;
  }
  const rows = async (): Promise<Array<{ doc_id: number; metrics: Record<string, number>; loss_nll: number; latency_ms: number }>> =>
    db.query(`SELECT doc_id, metrics, loss_nll, latency_ms FROM samples WHERE run_id = $1 ORDER BY doc_id`, [runId]);
  const rejected = async (id: string) => {
    const err = await ingest.ingest(id).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(DomainException);
    return (err as Error).message;
  };

  beforeAll(async () => {
    const st = readState();
    db = await new DataSource(dataSourceOptions(st.databaseUrl, 4)).initialize();
    store = new ArtifactStore(
      createS3Client({ region: 'us-east-1', endpoint: st.s3Endpoint, forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', bucket: 'densebench-test' } as never),
      'densebench-test',
    );
    await store.ensureBucket();
    ingest = new IngestShardService(db, store);
  });
  beforeEach(async () => {
    const [{ id: modelId }] = await db.query(`INSERT INTO models (name, params_total, backend) VALUES ($1, 1, '{"kind":"replay"}') RETURNING id`, [`ingest-${randomUUID()}`]);
    [{ id: runId }] = await db.query(`INSERT INTO runs (model_id, pool, shard_size, seed, benchmarks) VALUES ($1, 'cpu', 3, 1, '[]') RETURNING id`, [modelId]);
    [{ id: rbId }] = await db.query(`INSERT INTO run_benchmarks (run_id, name, total_samples) VALUES ($1, 'arc_easy', 6) RETURNING id`, [runId]);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('loads every sample, marks the shard done, and changes nothing when ingested again', async () => {
    const id = await shard(jsonl([record(0), record(1), record(2)]));
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
    const id = await shard(jsonl([record(3), record(4), record(5)]), 3, 6);
    const outcomes = await Promise.all([ingest.ingest(id), ingest.ingest(id)]);
    expect(outcomes).toEqual(expect.arrayContaining([{ ingested: 3, inserted: 3 }, { alreadyIngested: true }]));
    expect((await rows()).map((r) => r.doc_id)).toEqual([3, 4, 5]);
  });

  it('accepts CRLF line ends, blank lines and a last line without a line end', async () => {
    const text = `\r\n${JSON.stringify(record(0))}\r\n\r\n${JSON.stringify(record(1))}\r\n${JSON.stringify(record(2))}`;
    expect(await ingest.ingest(await shard(text))).toEqual({ ingested: 3, inserted: 3 });
  });

  it.each([
    ['not JSON', () => jsonl([record(0), '{oops', record(2)]), 'line 2 is not JSON'],
    ['another benchmark', () => jsonl([record(0), record(1, { benchmark: 'hellaswag' }), record(2)]), 'line 2: benchmark hellaswag is not arc_easy'],
    ['a doc outside the shard', () => jsonl([record(0), record(1), record(7)]), 'line 3: doc_id 7 outside [0, 3)'],
    ['a metric that is not a number', () => jsonl([record(0, { metrics: { acc: 'x' } as never }), record(1), record(2)]), 'line 1: metric acc is not a finite number'],
    ['a doc twice', () => jsonl([record(0), record(1), record(1)]), 'doc 1 appears twice'],
    ['too few samples', () => jsonl([record(0), record(1)]), '2 samples, expected 3'],
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
});
