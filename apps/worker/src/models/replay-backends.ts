import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ReplayBackendSpec } from '@app/contracts';
import { createBackend, InferenceBackend, ReplayBackend } from '@app/inference';
import { ArtifactStore } from '@app/storage';

/** Replays kept loaded while no shard uses them (each holds one benchmark's answers of one run). */
const MAX_IDLE = 4;

interface Entry {
  backend: Promise<InferenceBackend>;
  users: number;
  lastUsed: number;
}

/**
 * Replay backends of re-scoring runs, one per (source run, benchmark). They load no model and need
 * no GPU, so unlike models they do not take the worker's one model slot: any number can be in use
 * at once; a few idle ones are kept for the next shards. Each shard adds the source artifacts that
 * hold its documents (spec.artifacts) to its replay's answers.
 */
@Injectable()
export class ReplayBackends implements OnApplicationShutdown {
  private readonly logger = new Logger(ReplayBackends.name);
  private readonly entries = new Map<string, Entry>();
  private readonly owners = new WeakMap<InferenceBackend, string>();

  constructor(private readonly store: ArtifactStore) {}

  async acquire(spec: ReplayBackendSpec): Promise<InferenceBackend> {
    const key = `${spec.sourceRunId}/${spec.benchmark ?? '*'}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const backend = createBackend(spec, { modelRoots: [], cacheDir: '', artifacts: this.store, policy: { allowedHosts: [], allowPrivateAddresses: false } });
      entry = { backend, users: 0, lastUsed: Date.now() };
      this.entries.set(key, entry);
      backend.then(
        () => this.logger.log(`replaying run ${spec.sourceRunId} (${spec.benchmark ?? 'all benchmarks'}), no model loaded`),
        () => this.entries.get(key) === entry && this.entries.delete(key),
      );
    }
    entry.users++;
    try {
      const b = await entry.backend;
      this.owners.set(b, key);
      // The first shard's artifacts were loaded on open; a later shard's may not be yet.
      if (b instanceof ReplayBackend) await b.load(spec.artifacts);
      return b;
    } catch (err) {
      entry.users--;
      throw err;
    }
  }

  owns(backend: InferenceBackend): boolean {
    return this.owners.has(backend);
  }

  release(backend: InferenceBackend): void {
    const entry = this.entries.get(this.owners.get(backend) ?? '');
    if (!entry) return;
    entry.users = Math.max(0, entry.users - 1);
    entry.lastUsed = Date.now();
    const idle = [...this.entries].filter(([, e]) => e.users === 0).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [key, e] of idle.slice(0, Math.max(0, idle.length - MAX_IDLE))) {
      this.entries.delete(key);
      void e.backend.then((b) => b.dispose()).catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.backend.then((b) => b.dispose()).catch(() => undefined)));
  }
}
