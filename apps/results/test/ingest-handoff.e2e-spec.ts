import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { copyLine, DomainException } from '@app/contracts';
import { ROWS_HANDOFF_TTL_S, RowsHandoff } from '@app/queue';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { insertRun, insertShard, sampleRecord, serviceEnv, testRowsHandoff } from '@app/testing';
import { IngestShardService } from '../src/ingest/ingest-shard.service';
import { ingestionUnderTest, runDocIds } from './ingestion-under-test';

/** Rows objects handed from worker to results service through the real Redis, beside S3 (Postgres, S3 server). */
describe('rows handoff through Redis', () => {
  let db: DataSource;
  let store: ArtifactStore;
  let handoff: RowsHandoff;
  let close: () => Promise<void>;
  let ingest: IngestShardService;
  let redis: IORedis;
  let runId: string;
  let rbId: string;
  let index = 0;

  const rowsOf = (id: string, start: number) => gzipSync([0, 1, 2].map((i) => copyLine(runId, id, sampleRecord(start + i))).join(''));
  /** A shard of docs [start, start + 3): its JSONL in S3, its rows object in S3 unless s3Rows is false. */
  async function shard(start: number, s3Rows = true): Promise<string> {
    const id = randomUUID();
    await store.putBuffer(artifactKeys.shardSamples(runId, 'arc_easy', id), gzipSync('{}\n'), 'application/gzip');
    if (s3Rows) await store.putBuffer(artifactKeys.shardRows(runId, 'arc_easy', id), rowsOf(id, start), 'application/gzip', { 'samples-bytes': '1234' });
    return insertShard(db, { runId, rbId }, { index: index++, start, end: start + 3, id });
  }
  const docIds = () => runDocIds(db, runId);
  /** The JSONL size recorded for each shard: 1234 when its rows came from S3, what was handed over otherwise. */
  const sizes = async (ids: string[]): Promise<number[]> =>
    Promise.all(ids.map(async (id) => (await db.query(`SELECT size_bytes::int AS n FROM artifacts WHERE shard_id = $1`, [id]))[0]?.n));
  const three = { ingested: 3, inserted: 3 };

  beforeAll(async () => {
    ({ db, store, handoff, ingest, close } = await ingestionUnderTest());
    redis = new IORedis(serviceEnv().REDIS_URL);
  });
  beforeEach(async () => {
    ({ runId, rbId } = await insertRun(db, { totalSamples: 30, shardSize: 3 }));
  });
  afterAll(async () => {
    await close?.();
    redis?.disconnect();
  });

  describe('RowsHandoff', () => {
    it('hands rows over under the queue prefix with a TTL, takes many in one call, and drops them', async () => {
      const [a, b, missing] = [randomUUID(), randomUUID(), randomUUID()];
      expect(await handoff.put(a, { rows: Buffer.from([0, 1, 2, 255]), samplesBytes: 10 })).toBe(true);
      expect(await handoff.put(b, { rows: Buffer.alloc(0), samplesBytes: 7 })).toBe(true);
      expect(handoff.key(a)).toBe(`${serviceEnv().QUEUE_PREFIX}:rows:${a}`);
      const ttl = await redis.ttl(handoff.key(a));
      expect(ttl).toBeGreaterThan(ROWS_HANDOFF_TTL_S - 10);
      expect(ttl).toBeLessThanOrEqual(ROWS_HANDOFF_TTL_S);

      const taken = await handoff.take([a, missing, b]);
      expect([...taken.keys()].sort()).toEqual([a, b].sort());
      expect(taken.get(a)).toEqual({ rows: Buffer.from([0, 1, 2, 255]), samplesBytes: 10 });
      expect(taken.get(b)).toEqual({ rows: Buffer.alloc(0), samplesBytes: 7 });
      await handoff.drop([a, b, missing]);
      expect(await redis.exists(handoff.key(a), handoff.key(b))).toBe(0);
    });

    it('keeps rows over the size limit to S3, and does nothing when turned off', async () => {
      const small = testRowsHandoff(8);
      const off = testRowsHandoff(0);
      try {
        const id = randomUUID();
        expect(await small.put(id, { rows: Buffer.alloc(9), samplesBytes: 1 })).toBe(false);
        expect(await small.put(id, { rows: Buffer.alloc(8), samplesBytes: 1 })).toBe(true);
        expect(off.enabled).toBe(false);
        expect(await off.put(randomUUID(), { rows: Buffer.alloc(1), samplesBytes: 1 })).toBe(false);
        expect((await off.take([id])).size).toBe(0);
        await small.drop([id]);
      } finally {
        await small.onApplicationShutdown();
        await off.onApplicationShutdown();
      }
    });

    it('treats an entry without a JSONL size as missing', async () => {
      const id = randomUUID();
      await redis.hset(handoff.key(id), 'rows', 'x');
      expect((await handoff.take([id])).size).toBe(0);
      await redis.hset(handoff.key(id), 'samplesBytes', 'many');
      expect((await handoff.take([id])).size).toBe(0);
      await redis.del(handoff.key(id));
    });

    it('costs only the shortcut when Redis is unreachable: put is false, take is empty, drop resolves', async () => {
      const down = testRowsHandoff(64 * 1024, 'redis://127.0.0.1:1');
      try {
        expect(await down.put(randomUUID(), { rows: Buffer.alloc(4), samplesBytes: 1 })).toBe(false);
        expect((await down.take([randomUUID()])).size).toBe(0);
        await expect(down.drop([randomUUID()])).resolves.toBeUndefined();
      } finally {
        await down.onApplicationShutdown();
      }
    });
  });

  it('a batch reads handed-over rows instead of S3, reads S3 for the rest, and drops what it used', async () => {
    // The first two have no rows object in S3: they can only load from Redis.
    const ids = [await shard(0, false), await shard(3, false), await shard(6)];
    for (const [i, id] of ids.slice(0, 2).entries()) await handoff.put(id, { rows: rowsOf(id, 3 * i), samplesBytes: 777 });
    expect((await ingest.ingestMany(ids)).map((s) => (s.status === 'fulfilled' ? s.value : s.reason))).toEqual([three, three, three]);
    expect(await docIds()).toEqual([...Array(9).keys()]);
    expect(await sizes(ids)).toEqual([777, 777, 1234]);
    expect(await redis.exists(...ids.map((id) => handoff.key(id)))).toBe(0);
  });

  it('a shard ingested alone reads its handed-over rows too, and drops them', async () => {
    const id = await shard(0, false);
    await handoff.put(id, { rows: rowsOf(id, 0), samplesBytes: 555 });
    expect(await ingest.ingest(id)).toEqual(three);
    expect(await sizes([id])).toEqual([555]);
    expect(await redis.exists(handoff.key(id))).toBe(0);
  });

  it('a bad handed-over copy fails its batch, then the shard is ingested alone from S3', async () => {
    const ids = [await shard(0), await shard(3), await shard(6)];
    await handoff.put(ids[1], { rows: Buffer.from('not gzip'), samplesBytes: 99 });
    await handoff.put(ids[2], { rows: rowsOf(ids[2], 6), samplesBytes: 777 });
    expect((await ingest.ingestMany(ids)).map((s) => (s.status === 'fulfilled' ? s.value : s.reason))).toEqual([three, three, three]);
    expect(await docIds()).toEqual([...Array(9).keys()]);
    // The rolled-back batch's shards all went alone, from S3.
    expect(await sizes(ids)).toEqual([1234, 1234, 1234]);
    expect(await redis.exists(...ids.map((id) => handoff.key(id)))).toBe(0);
  });

  it('a bad handed-over copy of a shard ingested alone is dropped and the shard loaded from S3', async () => {
    const id = await shard(0);
    await handoff.put(id, { rows: gzipSync(copyLine(runId, id, sampleRecord(0))), samplesBytes: 5 });
    expect(await ingest.ingest(id)).toEqual(three);
    expect(await sizes([id])).toEqual([1234]);
    expect(await redis.exists(handoff.key(id))).toBe(0);
  });

  it('a shard whose handed-over copy and S3 object are both bad fails with the S3 object\'s error', async () => {
    const id = await shard(0, false);
    await handoff.put(id, { rows: gzipSync(copyLine(runId, id, sampleRecord(0))), samplesBytes: 5 });
    const err = await ingest.ingest(id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainException);
    // No rows object in S3: the JSONL, which holds no sample of the shard.
    expect((err as Error).message).toMatch(/\.jsonl\.gz is invalid/);
    expect(await docIds()).toEqual([]);
    expect(await redis.exists(handoff.key(id))).toBe(0);
  });
});
