import { Injectable, Logger } from '@nestjs/common';
import { DomainException, ErrorCode } from '@app/contracts';
import { SamplesRepository, ShardsRepository } from '@app/database';
import { RowsHandoff, RunEvents } from '@app/queue';
import { ArtifactStore } from '@app/storage';
import { copyFreshShards, fetchRows } from './copy-batch';
import { IngestedShard, loadShard } from './load-shard';

export type IngestOutcome = { ingested: number; inserted: number } | { alreadyIngested: true };

/**
 * Loads shards' samples from S3 into Postgres: the worker's COPY rows streamed into COPY as they are
 * (or, without them, rows derived from the per-sample JSONL), straight into samples when none of the
 * shard's documents is there yet, else through a temporary table inserted idempotently on (run,
 * benchmark, doc). Re-ingesting changes nothing; an invalid artifact loads nothing. Rows objects the
 * worker handed over through Redis (RowsHandoff) are read from there, with one round trip a batch,
 * and dropped once ingested; a shard ingested alone after its batch was rolled back reads S3.
 *
 * ingest() takes one shard per transaction; ingestMany() several, so that the fixed cost of a
 * transaction (lock, check, update, fsync'd commit) is paid once per batch instead of once per shard.
 */
@Injectable()
export class IngestShardService {
  private readonly logger = new Logger(IngestShardService.name);

  constructor(
    private readonly samples: SamplesRepository,
    private readonly shards: ShardsRepository,
    private readonly store: ArtifactStore,
    private readonly handoff: RowsHandoff,
    private readonly events: RunEvents,
  ) {}

  async ingest(shardId: string): Promise<IngestOutcome> {
    return this.ingestAlone(shardId, true);
  }

  /**
   * Ingests shards in one transaction and settles each one's outcome, in the order given. When the
   * batch fails as a whole (one invalid or missing artifact is enough) it is rolled back and each shard
   * is ingested alone, so that only the bad one fails, with the error ingest() gives it.
   */
  async ingestMany(shardIds: string[]): Promise<Array<PromiseSettledResult<IngestOutcome>>> {
    if (shardIds.length === 1) return [await settle(this.ingest(shardIds[0]))];
    let batch = new Map<string, IngestOutcome>();
    try {
      batch = await this.batch([...new Set(shardIds)]);
    } catch (err) {
      this.logger.warn(`batch of ${shardIds.length} shards rolled back (${(err as Error).message}); ingesting them one by one`);
    }
    const out: Array<PromiseSettledResult<IngestOutcome>> = [];
    const seen = new Set<string>();
    for (const id of shardIds) {
      // The same shard twice: the second finds it ingested, as two racing ingest() calls would.
      if (seen.has(id)) out.push({ status: 'fulfilled', value: { alreadyIngested: true } });
      else {
        const outcome = batch.get(id);
        // Not in the batch: rolled back, locked by another transaction, or unknown.
        out.push(outcome ? { status: 'fulfilled', value: outcome } : await settle(this.ingestAlone(id, false)));
      }
      seen.add(id);
    }
    return out;
  }

  /**
   * One transaction for many shards: lock those not locked elsewhere (see ShardsRepository.lockForIngest), skip the ingested
   * ones, fetch every fresh shard's rows object at once while ONE COPY takes them in as they arrive,
   * then the rare cases one by one (documents already there: temp table + ON CONFLICT; no rows object:
   * the JSONL), ONE statement to mark them all ingested, ONE commit.
   */
  private async batch(shardIds: string[]): Promise<Map<string, IngestOutcome>> {
    return this.samples.ingestTransaction(async (t) => {
      const shards = await this.shards.lockForIngest(shardIds, true, t.tx);
      const out = new Map<string, IngestOutcome>();
      for (const s of shards) if (s.ingested) out.set(s.id, { alreadyIngested: true });
      const fresh = shards.filter((s) => !s.ingested && s.fresh);
      const handed = await this.handoff.take(fresh.map((s) => s.id));
      const fetches = new Map(fresh.map((s) => [s.id, fetchRows(this.store, s, handed.get(s.id))]));
      const { loaded, withoutRows } = await copyFreshShards(this.samples, t, fresh, fetches);
      const done: IngestedShard[] = [...loaded];
      for (const s of [...withoutRows, ...shards.filter((s) => !s.ingested && !s.fresh)]) done.push(await loadShard(this.samples, t, this.store, s));
      await this.shards.recordIngested(done, t.tx);
      await t.commit();
      for (const d of done) out.set(d.shard.id, { ingested: d.count, inserted: d.inserted });
      await this.handoff.drop([...handed.keys()]);
      for (const runId of new Set(done.map((d) => d.shard.runId))) await this.events.publish(runId, 'ingested');
      const samples = done.reduce((n, d) => n + d.count, 0);
      if (done.length) this.logger.log(`${done.length} shards ingested in one transaction: ${samples} samples, ${done.reduce((n, d) => n + d.inserted, 0)} new`);
      return out;
    });
  }

  /**
   * One shard in its own transaction; with useHandoff, from the rows the worker handed over when there
   * are some. Those are a shortcut only: when loading them fails, the shard is loaded again from S3,
   * which has the last word (and gives the error, if any).
   */
  private async ingestAlone(shardId: string, useHandoff: boolean): Promise<IngestOutcome> {
    let handedUsed = false;
    try {
      return await this.samples.ingestTransaction(async (t): Promise<IngestOutcome> => {
        // Locked: concurrent ingestions of the shard are serialized, the later one finds it ingested.
        const [shard] = await this.shards.lockForIngest([shardId], false, t.tx);
        if (!shard) throw new DomainException(ErrorCode.NotFound, `shard ${shardId} not found`);
        if (shard.ingested) return { alreadyIngested: true };
        const handed = useHandoff ? (await this.handoff.take([shard.id])).get(shard.id) : undefined;
        handedUsed = handed !== undefined;
        const done = await loadShard(this.samples, t, this.store, shard, handed);
        await this.shards.recordIngested([done], t.tx);
        await t.commit();
        await this.events.publish(shard.runId, 'ingested');
        this.logger.log(`shard ${shard.id} (${shard.benchmark} ${shard.docStart}-${shard.docEnd}): ${done.count} samples, ${done.inserted} new`);
        return { ingested: done.count, inserted: done.inserted };
      });
    } catch (err) {
      if (!handedUsed) throw err;
      this.logger.warn(`shard ${shardId}: its handed-over rows failed (${(err as Error).message}); loading it from S3`);
      return await this.ingestAlone(shardId, false);
    } finally {
      // Rows taken from Redis, or maybe left there by a rolled-back batch, are of no more use (a miss left nothing).
      if (handedUsed || !useHandoff) await this.handoff.drop([shardId]);
    }
  }
}

const settle = <T>(p: Promise<T>): Promise<PromiseSettledResult<T>> =>
  p.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );
