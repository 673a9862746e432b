import { getQueueToken } from '@nestjs/bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { copyLine } from '@app/contracts';
import { JobName, jobIds, QueueName, resultsJobOptions } from '@app/queue';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { insertRun, insertShard, sampleRecord, startResults, waitFor } from '@app/testing';
import { ResultsModule } from '../src/results.module';

/** The results service as deployed: ingest jobs on the results queue (real BullMQ, Postgres, S3) are batched. */
describe('ingest-shard jobs through the results queue', () => {
  let results: INestApplicationContext;
  let db: DataSource;
  let store: ArtifactStore;
  let queue: Queue;


  beforeAll(async () => {
    results = await startResults(ResultsModule);
    db = results.get(DataSource);
    store = results.get(ArtifactStore);
    queue = results.get(getQueueToken(QueueName.Results));
    await store.ensureBucket();
  });
  afterAll(async () => {
    await results?.close();
  });

  /** A run of n shards of 2 documents whose rows objects hold docs(i) of shard i; enqueues their ingest jobs at once. */
  async function enqueueRun(n: number, docs: (i: number) => number[]): Promise<{ runId: string; ids: string[] }> {
    const { runId, rbId } = await insertRun(db, { totalSamples: 2 * n, shardSize: 2 });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = randomUUID();
      const rows = docs(i).map((d) => copyLine(runId, id, sampleRecord(d))).join('');
      await store.putBuffer(artifactKeys.shardRows(runId, 'arc_easy', id), gzipSync(rows), 'application/gzip', { 'samples-bytes': '10' });
      ids.push(await insertShard(db, { runId, rbId }, { index: i, start: 2 * i, end: 2 * i + 2, id }));
    }
    await queue.addBulk(ids.map((shardId) => ({ name: JobName.IngestShard, data: { runId, shardId }, opts: { ...resultsJobOptions, jobId: jobIds.ingest(shardId) } })));
    return { runId, ids };
  }
  const ingested = (runId: string, n: number) =>
    waitFor(async () => {
      const [{ k }] = await db.query(`SELECT count(*)::int AS k FROM shards WHERE run_id = $1 AND ingested_at IS NOT NULL`, [runId]);
      return k === n ? true : undefined;
    }, `${n} shards of run ${runId} to be ingested`);
  const sampleCount = async (runId: string) => (await db.query(`SELECT count(*)::int AS n FROM samples WHERE run_id = $1`, [runId]))[0].n;

  it('ingests many shards in few transactions', async () => {
    const { runId } = await enqueueRun(40, (i) => [2 * i, 2 * i + 1]);
    await ingested(runId, 40);
    expect(await sampleCount(runId)).toBe(80);
    // The first shards go alone while the next ones queue up behind the busy lanes, then batches.
    const [{ n: transactions }] = await db.query(`SELECT count(DISTINCT xmin::text)::int AS n FROM shards WHERE run_id = $1`, [runId]);
    expect(transactions).toBeLessThan(20);
  });

  it('fails only the invalid shard of a batch, with its own error, and ingests the others', async () => {
    // Shard 5 names doc 99, outside its range.
    const { runId, ids } = await enqueueRun(12, (i) => (i === 5 ? [2 * i, 99] : [2 * i, 2 * i + 1]));
    const reason = await waitFor(async () => (await queue.getJob(jobIds.ingest(ids[5])))?.failedReason || undefined, 'the invalid shard to fail');
    expect(reason).toMatch(/\.tsv\.gz is invalid: 1 rows are not of shard/);
    await ingested(runId, 11);
    expect(await sampleCount(runId)).toBe(22);
  });
});
