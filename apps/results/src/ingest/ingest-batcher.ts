import type { IngestOutcome } from './ingest-shard.service';

/** Ingests shards together and settles each one's outcome, in order (IngestShardService.ingestMany). */
export type IngestMany = (shardIds: string[]) => Promise<Array<PromiseSettledResult<IngestOutcome>>>;

export interface IngestBatchLimits {
  /** Transactions at most at once. */
  lanes: number;
  /** Shards at most per transaction. */
  maxShards: number;
}

interface Waiting {
  shardId: string;
  resolve: (outcome: IngestOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Groups the shards that ingest jobs ask for into transactions (group commit): a shard starts at once
 * when a lane is free, and otherwise waits, with the shards that arrive meanwhile, until a lane frees
 * and takes up to maxShards of them. No timer: under light load every shard goes alone without delay;
 * under load batches grow by themselves. Each caller gets its own shard's outcome or error.
 */
export class IngestBatcher {
  private readonly waiting: Waiting[] = [];
  private busy = 0;

  constructor(
    private readonly ingestMany: IngestMany,
    private readonly limits: IngestBatchLimits,
  ) {
    if (!(limits.lanes >= 1 && limits.maxShards >= 1)) throw new Error(`invalid ingest batch limits ${JSON.stringify(limits)}`);
  }

  ingest(shardId: string): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ shardId, resolve, reject });
      this.drain();
    });
  }

  /** Shards waiting for a lane (for tests and metrics). */
  get queued(): number {
    return this.waiting.length;
  }

  private drain(): void {
    while (this.busy < this.limits.lanes && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.limits.maxShards);
      this.busy++;
      void this.run(batch).finally(() => {
        this.busy--;
        this.drain();
      });
    }
  }

  private async run(batch: Waiting[]): Promise<void> {
    let settled: Array<PromiseSettledResult<IngestOutcome>>;
    try {
      settled = await this.ingestMany(batch.map((w) => w.shardId));
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    batch.forEach((w, i) => {
      const s = settled[i];
      if (!s) w.reject(new Error(`no outcome for shard ${w.shardId} in its batch`));
      else if (s.status === 'fulfilled') w.resolve(s.value);
      else w.reject(s.reason);
    });
  }
}
