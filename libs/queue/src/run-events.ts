import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import IORedis from 'ioredis';
import { redisConfig } from '@app/config';
import { redisOptionsFromUrl } from './redis-connection';

/** What changed in a run: a shard started or reported progress, shards were ingested, the run ended or was cancelled. */
export type RunEventKind = 'started' | 'progress' | 'ingested' | 'ended' | 'cancelled';

export interface RunEvent {
  runId: string;
  kind: RunEventKind;
}

/**
 * Run progress notices over Redis pub/sub, channel <QUEUE_PREFIX>:run-events:<run id>.
 *
 * Whoever changes a run's progress or status (the API for claims, progress reports and cancels; the
 * results service for ingestion and finalization) publishes a notice; whoever shows the run live (the
 * API's event stream) subscribes and reads the run again on each notice, so that no client polls.
 * A notice carries no data: Postgres stays the one source of the numbers. Publishing is best effort
 * (a lost notice delays a live view until the next one, it never loses progress).
 *
 * Two connections of its own: one to publish, failing fast, and one in subscriber mode shared by every
 * subscription of the process (channels are subscribed while somebody listens).
 */
@Injectable()
export class RunEvents implements OnApplicationShutdown {
  private readonly logger = new Logger(RunEvents.name);
  private publisher: IORedis | null = null;
  private subscriber: IORedis | null = null;
  private readonly listeners = new Map<string, Set<(e: RunEvent) => void>>();

  constructor(@Inject(redisConfig.KEY) private readonly redis: ConfigType<typeof redisConfig>) {}

  channel(runId: string): string {
    return `${this.redis.prefix}:run-events:${runId}`;
  }

  async publish(runId: string, kind: RunEventKind): Promise<void> {
    try {
      await this.pub.publish(this.channel(runId), JSON.stringify({ runId, kind } satisfies RunEvent));
    } catch (err) {
      this.logger.warn(`run ${runId}: ${kind} notice not published: ${(err as Error).message}`);
    }
  }

  /** Calls `listener` on each notice of the run until the returned function is called. */
  async subscribe(runId: string, listener: (e: RunEvent) => void): Promise<() => Promise<void>> {
    const channel = this.channel(runId);
    let set = this.listeners.get(channel);
    if (!set) {
      this.listeners.set(channel, (set = new Set()));
      await this.sub.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        await this.subscriber?.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.listeners.clear();
    await Promise.all([this.publisher, this.subscriber].map((c) => c?.quit().catch(() => c.disconnect())));
  }

  private get pub(): IORedis {
    if (!this.publisher) {
      this.publisher = new IORedis({ ...redisOptionsFromUrl(this.redis.url), maxRetriesPerRequest: 1, connectTimeout: 5_000 });
      this.publisher.on('error', () => undefined); // surfaced by the failing publish
    }
    return this.publisher;
  }

  private get sub(): IORedis {
    if (!this.subscriber) {
      const sub = new IORedis(redisOptionsFromUrl(this.redis.url));
      sub.on('error', (err: Error) => this.logger.warn(`run events subscriber: ${err.message}`));
      sub.on('message', (channel: string, message: string) => {
        const set = this.listeners.get(channel);
        if (!set) return;
        let event: RunEvent;
        try {
          event = JSON.parse(message) as RunEvent;
        } catch {
          return;
        }
        for (const l of set) l(event);
      });
      this.subscriber = sub;
    }
    return this.subscriber;
  }
}
