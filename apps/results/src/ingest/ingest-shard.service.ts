import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { ArtifactKind, DomainException, ErrorCode, SampleRecord, ShardStatus } from '@app/contracts';
import { ShardEntity } from '@app/database';
import { ArtifactStore } from '@app/storage';
import { copyLine, invalidReason } from './sample-rows';

export type IngestOutcome = { ingested: number; inserted: number } | { alreadyIngested: true };

/**
 * Loads a shard's per-sample artifact from S3 into Postgres: streamed, bulk-loaded with COPY into a
 * temporary table, then inserted idempotently on (run, benchmark, doc). Re-ingesting changes nothing.
 */
@Injectable()
export class IngestShardService {
  private readonly logger = new Logger(IngestShardService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: ArtifactStore,
  ) {}

  async ingest(shardId: string): Promise<IngestOutcome> {
    const shard = await this.db.getRepository(ShardEntity).findOneBy({ id: shardId });
    if (!shard) throw new DomainException(ErrorCode.NotFound, `shard ${shardId} not found`);
    if (shard.ingestedAt) return { alreadyIngested: true };
    const object = await this.store.getStream(shard.artifactKey);
    if (!object) throw new DomainException(ErrorCode.MissingResource, `artifact ${shard.artifactKey} of shard ${shardId} is missing`);
    const expected = shard.docEnd - shard.docStart;

    const invalid = (why: string) =>
      new DomainException(ErrorCode.InvalidInput, `artifact ${shard.artifactKey} is invalid: ${why}`);
    const runner = this.db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await runner.startTransaction();
      await runner.query(`CREATE TEMP TABLE tmp_samples (LIKE samples INCLUDING DEFAULTS) ON COMMIT DROP`);
      const copy = client.query(
        copyFrom(
          `COPY tmp_samples (run_id, benchmark, doc_id, shard_id, metrics, input_tokens, output_tokens, latency_ms, loss_nll, loss_tokens, loss_bytes) FROM STDIN`,
        ),
      );
      let count = 0;
      const seen = new Set<number>();
      const lines = createInterface({ input: object.body.pipe(createGunzip()), crlfDelay: Infinity });
      const rows = Readable.from(
        (async function* () {
          for await (const line of lines) {
            if (!line.trim()) continue;
            let rec: SampleRecord;
            try {
              rec = JSON.parse(line) as SampleRecord;
            } catch {
              throw invalid(`line ${count + 1} is not JSON`);
            }
            const why = invalidReason(rec, shard.benchmark, shard.docStart, shard.docEnd);
            if (why) throw invalid(`line ${count + 1}: ${why}`);
            if (seen.has(rec.doc_id)) throw invalid(`doc ${rec.doc_id} appears twice`);
            seen.add(rec.doc_id);
            count++;
            yield copyLine(shard.runId, shard.id, rec);
          }
        })(),
      );
      await pipeline(rows, copy);
      if (count !== expected) throw invalid(`${count} samples, expected ${expected}`);

      const inserted: Array<{ n: number }> = await runner.query(
        `WITH ins AS (INSERT INTO samples SELECT * FROM tmp_samples ON CONFLICT (run_id, benchmark, doc_id) DO NOTHING RETURNING 1)
         SELECT count(*)::int AS n FROM ins`,
      );
      await runner.query(
        `UPDATE shards SET status = $2, done_samples = $3, ingested_at = now(), finished_at = coalesce(finished_at, now()), error = NULL
          WHERE id = $1`,
        [shard.id, ShardStatus.Done, count],
      );
      await runner.query(
        `INSERT INTO artifacts (run_id, kind, key, content_type, size_bytes, benchmark, shard_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING`,
        [shard.runId, ArtifactKind.Samples, shard.artifactKey, object.contentType ?? 'application/gzip', object.sizeBytes, shard.benchmark, shard.id],
      );
      await runner.commitTransaction();
      this.logger.log(`shard ${shard.id} (${shard.benchmark} ${shard.docStart}-${shard.docEnd}): ${count} samples, ${inserted[0].n} new`);
      return { ingested: count, inserted: inserted[0].n };
    } catch (err) {
      object.body.destroy();
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
  }
}
