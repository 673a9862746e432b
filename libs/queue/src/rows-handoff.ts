import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import IORedis from 'ioredis';
import { queueConfig, redisConfig } from '@app/config';
import { redisOptionsFromUrl } from './redis-connection';

/** How long a handed-over rows object waits for the results service; after that it reads S3. */
export const ROWS_HANDOFF_TTL_S = 300;

/** A shard's rows object (gzipped COPY text) and the size of the JSONL it stands for. */
export interface HandedRows {
  rows: Buffer;
  samplesBytes: number;
}

/**
 * Small rows objects handed from the worker to the results service through Redis, beside S3.
 *
 * A worker stores a shard's rows object in S3 (the source of truth) and, when it is at most
 * ROWS_HANDOFF_MAX_BYTES, also here, under <QUEUE_PREFIX>:rows:<shard id> for ROWS_HANDOFF_TTL_S,
 * before it enqueues the shard's ingest job. The results service takes the batch's objects in one
 * round trip instead of one S3 GET each, and drops them once the shards are ingested. The job
 * payloads still carry ids only; a missing, expired or unreadable entry is a miss, read from S3.
 *
 * Its own connection, failing fast: Redis trouble costs the shortcut, never an ingestion.
 */
@Injectable()
export class RowsHandoff implements OnApplicationShutdown {
  private readonly logger = new Logger(RowsHandoff.name);
  private client: IORedis | null = null;

  constructor(
    @Inject(redisConfig.KEY) private readonly redis: ConfigType<typeof redisConfig>,
    @Inject(queueConfig.KEY) private readonly queue: Pick<ConfigType<typeof queueConfig>, 'rowsHandoffMaxBytes'>,
  ) {}

  get enabled(): boolean {
    return this.queue.rowsHandoffMaxBytes > 0;
  }

  key(shardId: string): string {
    return `${this.redis.prefix}:rows:${shardId}`;
  }

  /** Hands a shard's rows over when they are small enough; false when they were not (too large, off, or Redis failed). */
  async put(shardId: string, handed: HandedRows): Promise<boolean> {
    if (!this.enabled || handed.rows.length > this.queue.rowsHandoffMaxBytes) return false;
    const key = this.key(shardId);
    try {
      const res = await this.conn.multi().hset(key, 'rows', handed.rows, 'samplesBytes', String(handed.samplesBytes)).expire(key, ROWS_HANDOFF_TTL_S).exec();
      const failed = res?.find(([err]) => err);
      if (failed) throw failed[0]!;
      return true;
    } catch (err) {
      this.logger.warn(`rows of shard ${shardId} not handed over (the results service reads them from S3): ${(err as Error).message}`);
      return false;
    }
  }

  /** The shards' handed-over rows, in one round trip; shards without (or on any Redis error: all) are left out. */
  async take(shardIds: string[]): Promise<Map<string, HandedRows>> {
    const out = new Map<string, HandedRows>();
    if (!this.enabled || shardIds.length === 0) return out;
    try {
      const p = this.conn.pipeline();
      for (const id of shardIds) p.hmgetBuffer(this.key(id), 'rows', 'samplesBytes');
      const res = (await p.exec()) ?? [];
      res.forEach(([err, value], i) => {
        const [rows, bytes] = (err ? [] : value) as Array<Buffer | null>;
        const samplesBytes = Number(bytes?.toString());
        if (rows && Number.isInteger(samplesBytes) && samplesBytes > 0) out.set(shardIds[i], { rows, samplesBytes });
      });
    } catch (err) {
      this.logger.warn(`handed-over rows unreadable, reading ${shardIds.length} shard(s) from S3: ${(err as Error).message}`);
    }
    return out;
  }

  /** Forgets handed-over rows (of ingested shards); best effort, the TTL ends them anyway. */
  async drop(shardIds: string[]): Promise<void> {
    if (!this.enabled || shardIds.length === 0) return;
    await this.conn.del(...shardIds.map((id) => this.key(id))).catch((err: Error) => this.logger.warn(`handed-over rows not dropped: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client) await this.client.quit().catch(() => this.client?.disconnect());
  }

  private get conn(): IORedis {
    if (!this.client) {
      this.client = new IORedis({ ...redisOptionsFromUrl(this.redis.url), maxRetriesPerRequest: 1, connectTimeout: 5_000 });
      this.client.on('error', () => undefined); // surfaced by the failing commands
    }
    return this.client;
  }
}
