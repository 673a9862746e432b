import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { ArtifactKind, DomainException, ErrorCode, ShardStatus } from '@app/contracts';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { copyJsonl, copyRows, invalidArtifact, ShardRow } from './copy-rows';

export type IngestOutcome = { ingested: number; inserted: number } | { alreadyIngested: true };

/**
 * Loads a shard's samples from S3 into Postgres: the worker's COPY rows streamed into COPY as they are
 * (or, without them, rows derived from the per-sample JSONL), straight into samples when none of the
 * shard's documents is there yet, else through a temporary table inserted idempotently on (run,
 * benchmark, doc). Re-ingesting changes nothing; an invalid artifact loads nothing.
 */
@Injectable()
export class IngestShardService {
  private readonly logger = new Logger(IngestShardService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: ArtifactStore,
  ) {}

  async ingest(shardId: string): Promise<IngestOutcome> {
    const runner = this.db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    let body: Readable | undefined;
    try {
      await runner.startTransaction();
      // The shard, locked (concurrent ingestions of it are serialized: the later one finds it ingested),
      // and whether any of its documents is in samples already.
      const [shard]: ShardRow[] = await runner.query(
        `SELECT sh.id, sh.run_id AS "runId", sh.benchmark, sh.doc_start AS "docStart", sh.doc_end AS "docEnd", sh.artifact_key AS "artifactKey",
                sh.ingested_at IS NOT NULL AS ingested,
                NOT EXISTS (SELECT 1 FROM samples s WHERE s.run_id = sh.run_id AND s.benchmark = sh.benchmark
                                                     AND s.doc_id >= sh.doc_start AND s.doc_id < sh.doc_end) AS fresh
           FROM shards sh WHERE sh.id = $1 FOR UPDATE OF sh`,
        [shardId],
      );
      if (!shard) throw new DomainException(ErrorCode.NotFound, `shard ${shardId} not found`);
      if (shard.ingested) {
        await runner.rollbackTransaction();
        return { alreadyIngested: true };
      }
      const expected = shard.docEnd - shard.docStart;
      // Usually none of the shard's documents is there: COPY straight into samples. Otherwise through a
      // temporary table and INSERT … ON CONFLICT DO NOTHING, so that re-ingesting adds nothing.
      const fresh = shard.fresh;
      if (!fresh) await runner.query(`CREATE TEMP TABLE tmp_samples (LIKE samples INCLUDING DEFAULTS) ON COMMIT DROP`);
      const target = fresh ? 'samples' : 'tmp_samples';
      // The worker's COPY rows when it wrote them (no JSON to parse here), else rows derived from the JSONL.
      const rows = await this.store.getStream(artifactKeys.shardRows(shard.runId, shard.benchmark, shard.id));
      body = rows?.body;
      const loaded = rows ? await copyRows(this.store, runner, client, shard, rows, target) : await copyJsonl(this.store, client, shard, target, (b) => (body = b));
      if (loaded.count !== expected) throw invalidArtifact(loaded.key, `${loaded.count} samples, expected ${expected}`);

      const inserted = fresh
        ? loaded.count
        : ((await runner.query(
            `WITH ins AS (INSERT INTO samples SELECT * FROM tmp_samples ON CONFLICT (run_id, benchmark, doc_id) DO NOTHING RETURNING 1)
             SELECT count(*)::int AS n FROM ins`,
          )) as Array<{ n: number }>)[0].n;
      const count = loaded.count;
      const object = loaded.samples;
      await runner.query(
        `WITH done AS (
           UPDATE shards SET status = $8, done_samples = $9, ingested_at = now(), finished_at = coalesce(finished_at, now()), error = NULL WHERE id = $7
         )
         INSERT INTO artifacts (run_id, kind, key, content_type, size_bytes, benchmark, shard_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING`,
        [shard.runId, ArtifactKind.Samples, shard.artifactKey, object.contentType ?? 'application/gzip', object.sizeBytes, shard.benchmark, shard.id, ShardStatus.Done, count],
      );
      await runner.commitTransaction();
      this.logger.log(`shard ${shard.id} (${shard.benchmark} ${shard.docStart}-${shard.docEnd}): ${count} samples, ${inserted} new`);
      return { ingested: count, inserted };
    } catch (err) {
      body?.destroy();
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
  }

}
