import { DataSource } from 'typeorm';
import { SamplesRepository, ShardsRepository } from '@app/database';
import { RowsHandoff } from '@app/queue';
import { ArtifactStore } from '@app/storage';
import { testArtifactStore, testDataSource, testRowsHandoff, testRunEvents } from '@app/testing';
import { IngestShardService } from '../src/ingest/ingest-shard.service';

/** IngestShardService on the test Postgres, S3 server and Redis, with what it runs on; close() when done. */
export async function ingestionUnderTest(): Promise<{ db: DataSource; store: ArtifactStore; handoff: RowsHandoff; ingest: IngestShardService; close(): Promise<void> }> {
  const db = await testDataSource();
  const store = testArtifactStore();
  await store.ensureBucket();
  const handoff = testRowsHandoff();
  const events = testRunEvents();
  return {
    db,
    store,
    handoff,
    ingest: new IngestShardService(new SamplesRepository(db), new ShardsRepository(db), store, handoff, events),
    close: async () => {
      await db.destroy();
      await handoff.onApplicationShutdown();
      await events.onApplicationShutdown();
    },
  };
}

/** The documents of a run that are in samples, in order. */
export const runDocIds = async (db: DataSource, runId: string): Promise<number[]> =>
  (await db.query(`SELECT doc_id FROM samples WHERE run_id = $1 ORDER BY doc_id`, [runId])).map((r: { doc_id: number }) => r.doc_id);
