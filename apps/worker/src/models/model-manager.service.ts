import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { hubConfig, pathsConfig, readSecretEnv, workerConfig } from '@app/config';
import { BackendKind, BackendSpec, DomainException, ErrorCode } from '@app/contracts';
import { progressLogger } from '@app/files';
import { CachingBackend, createBackend, InferenceBackend } from '@app/inference';
import { ArtifactStore } from '@app/storage';
import { AgentState } from '../agent/agent-state';
import { ReplayBackends } from './replay-backends';
import { RedisRequestCacheStore } from './request-cache.store';

/**
 * Keeps the loaded model across shards of the same model, and swaps it when a shard needs another.
 * Concurrent shards of the same model share one backend. With WORKER_REQUEST_CACHE=on each shard
 * gets a request-cache view over it (hits counted per shard). Replays (re-scoring runs) load no
 * model and do not take the model slot.
 */
@Injectable()
export class ModelManager implements OnApplicationShutdown {
  private readonly logger = new Logger(ModelManager.name);
  private current: { key: string; backend: Promise<InferenceBackend>; users: number; cached?: CachingBackend } | null = null;

  constructor(
    @Inject(workerConfig.KEY) private readonly worker: ConfigType<typeof workerConfig>,
    @Inject(pathsConfig.KEY) private readonly paths: ConfigType<typeof pathsConfig>,
    @Inject(hubConfig.KEY) private readonly hub: ConfigType<typeof hubConfig>,
    private readonly store: ArtifactStore,
    private readonly state: AgentState,
    private readonly replays: ReplayBackends,
    private readonly cacheStore: RedisRequestCacheStore,
  ) {}

  /** The backend for a model; release() it when the shard is done. */
  async acquire(model: { id: string; name: string; backend: BackendSpec }): Promise<InferenceBackend> {
    if (!this.worker.backends.includes(model.backend.kind)) {
      throw new DomainException(ErrorCode.InvalidInput, `this worker has no ${model.backend.kind} backend (it has ${this.worker.backends.join(', ')})`);
    }
    if (model.backend.kind === BackendKind.Replay) return this.replays.acquire(model.backend);
    const key = `${model.id}:${JSON.stringify(model.backend)}`;
    if (this.current?.key !== key) {
      if (this.current && this.current.users > 0) {
        throw new DomainException(ErrorCode.Transient, `model ${this.current.key} is busy; retry later`);
      }
      await this.unload();
      this.logger.log(`loading model ${model.name} (${model.backend.kind})`);
      const backend = createBackend(model.backend, {
        modelRoots: this.paths.modelRoots,
        cacheDir: this.worker.modelCacheDir,
        hub: { ...this.hub, onProgress: progressLogger((l) => this.logger.log(l)) },
        threads: this.worker.threads,
        openS3: (bucket, key) => this.store.openExternal(bucket, key),
        openai: {
          ...this.worker.openai,
          onRetry: ({ url, attempt, delayMs, reason }) => this.logger.warn(`${url}: retry ${attempt} in ${Math.round(delayMs)} ms (${reason})`),
        },
        secret: readSecretEnv,
        policy: this.worker.sources,
        allowedApiKeyEnvs: this.worker.sources.allowedApiKeyEnvs,
      });
      this.current = { key, backend, users: 0 };
      backend.then(
        (b) => {
          this.state.loadedModel = model.name;
          this.logger.log(`model ${model.name} loaded: ${b.info.engine} ${b.info.engineVersion} on ${b.info.device}`);
        },
        () => {
          if (this.current?.key === key) this.current = null;
        },
      );
    }
    const entry = this.current!;
    const backend = await entry.backend;
    entry.users++;
    if (!this.worker.requestCache.enabled) return backend;
    entry.cached ??= new CachingBackend(backend, this.cacheStore, {
      ttlSeconds: this.worker.requestCache.ttlSeconds,
      onError: (err) => this.logger.warn(`request cache unavailable (answering without it): ${err.message}`),
    });
    return entry.cached.forShard();
  }

  release(backend: InferenceBackend): void {
    if (this.replays.owns(backend)) return this.replays.release(backend);
    if (backend instanceof CachingBackend) {
      const s = backend.stats;
      this.logger.log(`request cache (${backend.info.modelIdentity}): ${s.hits} hits, ${s.misses} misses, ${s.uncacheable} uncacheable`);
    }
    if (this.current && this.current.users > 0) this.current.users--;
  }

  private async unload(): Promise<void> {
    if (!this.current) return;
    const prev = this.current;
    this.current = null;
    this.state.loadedModel = null;
    try {
      await (await prev.backend).dispose();
    } catch {
      /* a backend that failed to load has nothing to dispose */
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.unload();
  }
}
