import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import IORedis from 'ioredis';
import { redisConfig } from '@app/config';
import type { RequestCacheStore } from '@app/inference';
import { redisOptionsFromUrl } from '@app/queue';

/**
 * The fleet's request cache in Redis: keys <QUEUE_PREFIX>:reqcache:<sha256>, small JSON values with a
 * TTL. Its own connection, failing fast (a cache that is down is a miss, not a stuck shard).
 */
@Injectable()
export class RedisRequestCacheStore implements RequestCacheStore, OnApplicationShutdown {
  private client: IORedis | null = null;

  constructor(@Inject(redisConfig.KEY) private readonly redis: ConfigType<typeof redisConfig>) {}

  private get conn(): IORedis {
    if (!this.client) {
      this.client = new IORedis({ ...redisOptionsFromUrl(this.redis.url), maxRetriesPerRequest: 1, connectTimeout: 5_000, lazyConnect: false });
      this.client.on('error', () => undefined); // surfaced by the failing commands
    }
    return this.client;
  }

  private key(k: string): string {
    return `${this.redis.prefix}:reqcache:${k}`;
  }

  async getMany(keys: string[]): Promise<Array<string | null>> {
    if (keys.length === 0) return [];
    return this.conn.mget(keys.map((k) => this.key(k)));
  }

  async setMany(entries: Array<[string, string]>, ttlSeconds: number): Promise<void> {
    if (entries.length === 0) return;
    const p = this.conn.pipeline();
    for (const [k, v] of entries) p.set(this.key(k), v, 'EX', ttlSeconds);
    const res = await p.exec();
    const failed = res?.find(([err]) => err);
    if (failed) throw failed[0]!;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client) await this.client.quit().catch(() => this.client?.disconnect());
  }
}
