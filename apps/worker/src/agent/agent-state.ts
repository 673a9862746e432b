import { Injectable } from '@nestjs/common';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** What the agent reports in heartbeats; updated by the shard handler. */
@Injectable()
export class AgentState {
  currentShardId: string | null = null;
  loadedModel: string | null = null;
  tokensPerSecond: number | null = null;
  /** Takes no more shards: an operator drained or removed this worker. */
  draining = false;
  /** An operator removed this worker: the API refuses its credential, so it has nothing to deregister. */
  removed = false;
  shardsDone = 0;
  /**
   * Event-loop delay: BullMQ renews shard locks from this loop, so a long block here loses the lock
   * and the shard is handed to another worker. Reported in heartbeats.
   */
  readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });

  constructor() {
    this.loopDelay.enable();
  }

  /** Max event-loop delay (ms) since the last call. */
  takeMaxLoopDelayMs(): number {
    const ms = this.loopDelay.max / 1e6;
    this.loopDelay.reset();
    return Math.round(ms);
  }
}
