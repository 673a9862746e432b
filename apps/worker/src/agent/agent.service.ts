import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { hostname } from 'node:os';
import { workerConfig } from '@app/config';
import { DomainException, ErrorCode } from '@app/contracts';
import { AgentState } from './agent-state';
import { ApiClient } from './api-client';
import { machineInfo, probeGpus } from './machine-info';

/**
 * Registers this machine with the API (enrollment token → worker id + credential), then heartbeats.
 * The heartbeat answer carries operator decisions: "draining" stops taking new shards. A worker an
 * operator removed is refused (403): it stops taking shards too, and says it should be stopped.
 */
@Injectable()
export class AgentService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AgentService.name);
  private timer: NodeJS.Timeout | null = null;
  /** The heartbeat in flight, if any: shutdown waits for it so that it cannot land after the deregistration. */
  private beating: Promise<void> | null = null;
  private onDrain: (() => void) | null = null;
  private markRegistered!: () => void;
  /** Resolves once this worker holds its credential; nothing may call the API before. */
  readonly registered = new Promise<void>((resolve) => (this.markRegistered = resolve));

  constructor(
    private readonly api: ApiClient,
    private readonly state: AgentState,
    @Inject(workerConfig.KEY) private readonly cfg: ConfigType<typeof workerConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.cfg.enrollmentToken) throw new Error('ENROLLMENT_TOKEN is not set: the worker cannot register with the API');
    const info = await machineInfo();
    const { workerId, credential } = await this.api.register({
      enrollmentToken: this.cfg.enrollmentToken,
      name: this.cfg.name ?? `${hostname()}-${process.pid}`,
      hostname: hostname(),
      pools: this.cfg.pools,
      backends: this.cfg.backends,
      costPerHour: this.cfg.costPerHour,
      info,
    });
    this.api.setCredential(workerId, credential);
    this.markRegistered();
    this.logger.log(`registered as worker ${workerId} (pools: ${this.cfg.pools.join(', ')}; backends: ${this.cfg.backends.join(', ')})`);
    this.timer = setInterval(() => {
      if (this.beating) return; // the previous one is still out; never stack them
      this.beating = this.beat().finally(() => (this.beating = null));
    }, this.cfg.heartbeatMs);
    this.timer.unref();
  }

  /** Called once when the API says an operator drained this worker. */
  whenDrained(cb: () => void): void {
    this.onDrain = cb;
  }

  get workerId(): string | null {
    return this.api.workerId;
  }

  private async beat(): Promise<void> {
    try {
      const gpus = await probeGpus();
      const maxLoopDelayMs = this.state.takeMaxLoopDelayMs();
      if (maxLoopDelayMs > 1000) this.logger.warn(`the event loop was blocked for ${maxLoopDelayMs} ms (shard locks are renewed from it)`);
      const res = await this.api.heartbeat({
        currentShardId: this.state.currentShardId,
        draining: this.state.draining,
        info: { gpus, loadedModel: this.state.loadedModel, tokensPerSecond: this.state.tokensPerSecond, shardsDone: this.state.shardsDone, maxLoopDelayMs },
      });
      if (res.status === 'draining') this.stopTaking('drained by an operator: finishing the current shard and taking no more');
    } catch (err) {
      if (err instanceof DomainException && err.code === ErrorCode.Forbidden) this.removedByOperator(err.message);
      else this.logger.warn(`heartbeat failed: ${(err as Error).message}`);
    }
  }

  /**
   * The API refused this worker (403): an operator removed it. It takes no more shards (the shard
   * processor gives back any it holds) and stays up, idle: exiting would have a supervisor restart it,
   * and a restart would enroll it again as a new worker.
   */
  removedByOperator(reason: string): void {
    if (this.state.removed) return;
    this.state.removed = true;
    if (this.timer) clearInterval(this.timer); // every heartbeat would be refused as well
    this.logger.error(`removed by an operator (${reason}): taking no more shards; stop this process`);
    this.stopTaking();
  }

  private stopTaking(message?: string): void {
    if (this.state.draining) return;
    this.state.draining = true;
    if (message) this.logger.log(message);
    this.onDrain?.();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.beating;
    if (!this.api.workerId || this.state.removed) return;
    try {
      await this.api.deregister();
      this.logger.log(`deregistered worker ${this.api.workerId}`);
    } catch (err) {
      this.logger.warn(`could not deregister: ${(err as Error).message}`);
    }
  }
}
