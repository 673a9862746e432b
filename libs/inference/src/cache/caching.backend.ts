import { createHash } from 'node:crypto';
import {
  AnyResult,
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  RequestOptions,
  RequestType,
  RollingLoglikelihoodRequest,
  RollingLoglikelihoodResult,
  TypedRequest,
} from '@app/contracts';
import { BackendInfo, InferenceBackend } from '../backend.interface';

/** Where cached answers live (Redis for the fleet; a Map in tests). Keys come without namespace. */
export interface RequestCacheStore {
  getMany(keys: string[]): Promise<Array<string | null>>;
  setMany(entries: Array<[key: string, value: string]>, ttlSeconds: number): Promise<void>;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Requests never cached: sampled generations without a seed or sample index. */
  uncacheable: number;
  /** Store failures (the requests were answered by the backend). */
  errors: number;
}

const KEY_VERSION = 'densebench-request-cache-v1';

/**
 * The cache key of a request on a backend, or null when it must not be cached. The key covers the
 * model's identity (file hash, or endpoint + model + revision), the backend kind, engine version
 * and context size (truncation), the request type, the prompt and the generation parameters.
 * Greedy generations ignore seed/top-p/top-k (they cannot change the argmax); sampled ones include
 * them and the sample index, and are not cached at all without a seed or sample index — otherwise
 * every repeat of a document would get the first one's answer (lm-evaluation-harness's bug, which it
 * avoids by never caching sampled requests).
 */
export function requestCacheKey(info: BackendInfo, r: TypedRequest): string | null {
  let args: unknown[];
  switch (r.type) {
    case 'loglikelihood':
      args = [r.context, r.continuation];
      break;
    case 'loglikelihood_rolling':
      args = [r.text];
      break;
    case 'generate_until':
      if (r.temperature === 0) args = [r.context, { until: r.until, max_tokens: r.maxTokens, temperature: 0 }];
      else {
        if (r.seed === undefined && r.sampleIndex === undefined) return null;
        args = [
          r.context,
          { until: r.until, max_tokens: r.maxTokens, temperature: r.temperature, top_p: r.topP ?? null, top_k: r.topK ?? null, seed: r.seed ?? null, sample_index: r.sampleIndex ?? null },
        ];
      }
      break;
  }
  const identity = [KEY_VERSION, info.kind, info.modelIdentity, info.engineVersion, info.contextSize, r.type, ...args];
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/**
 * Decorator over any backend: answers what the cache holds, asks the backend for the rest in one
 * call (so it still batches), stores the new answers with a TTL. Hits carry `cached: true` and the
 * timings of the original answer. A store failure never fails a request: it is counted and the
 * backend answers. `forShard()` gives a view with its own counters (hits per shard).
 */
export class CachingBackend implements InferenceBackend {
  readonly stats: CacheStats = { hits: 0, misses: 0, uncacheable: 0, errors: 0 };

  constructor(
    readonly inner: InferenceBackend,
    private readonly store: RequestCacheStore,
    private readonly opts: { ttlSeconds: number; onError?: (err: Error) => void },
    private readonly parent?: CachingBackend,
  ) {}

  get info(): BackendInfo {
    return this.inner.info;
  }

  /** A view over the same backend and store whose stats count only its own requests. */
  forShard(): CachingBackend {
    return new CachingBackend(this.inner, this.store, this.opts, this);
  }

  loglikelihood(requests: LoglikelihoodRequest[], opts: RequestOptions = {}): Promise<LoglikelihoodResult[]> {
    return this.through('loglikelihood', requests, (miss) => this.inner.loglikelihood(miss, opts));
  }

  loglikelihoodRolling(requests: RollingLoglikelihoodRequest[], opts: RequestOptions = {}): Promise<RollingLoglikelihoodResult[]> {
    return this.through('loglikelihood_rolling', requests, (miss) => this.inner.loglikelihoodRolling(miss, opts));
  }

  generateUntil(requests: GenerateRequest[], opts: RequestOptions = {}): Promise<GenerateResult[]> {
    return this.through('generate_until', requests, (miss) => this.inner.generateUntil(miss, opts));
  }

  /** The wrapped backend belongs to whoever created it (the model manager disposes it). */
  async dispose(): Promise<void> {}

  private count(field: keyof CacheStats, n: number): void {
    this.stats[field] += n;
    if (this.parent) this.parent.stats[field] += n;
  }

  private async through<Q extends object, R extends AnyResult>(type: RequestType, requests: Q[], answer: (miss: Q[]) => Promise<R[]>): Promise<R[]> {
    const keys = requests.map((r) => requestCacheKey(this.info, { type, ...r } as unknown as TypedRequest));
    const cacheable = keys.map((k, i) => (k === null ? -1 : i)).filter((i) => i >= 0);
    const out: Array<R | undefined> = new Array(requests.length);
    if (cacheable.length) {
      let values: Array<string | null> = [];
      try {
        values = await this.store.getMany(cacheable.map((i) => keys[i]!));
      } catch (err) {
        this.failed(err as Error);
      }
      values.forEach((v, j) => {
        if (v === null) return;
        try {
          out[cacheable[j]] = { ...(JSON.parse(v) as R), cached: true };
        } catch {
          /* an unreadable entry is a miss */
        }
      });
    }
    const missing = requests.map((_, i) => i).filter((i) => out[i] === undefined);
    this.count('hits', requests.length - missing.length);
    this.count('uncacheable', keys.filter((k) => k === null).length);
    this.count('misses', missing.filter((i) => keys[i] !== null).length);
    if (missing.length === 0) return out as R[];
    const fresh = await answer(missing.map((i) => requests[i]));
    const entries: Array<[string, string]> = [];
    missing.forEach((i, j) => {
      out[i] = fresh[j];
      if (keys[i] !== null) entries.push([keys[i]!, JSON.stringify(fresh[j])]);
    });
    if (entries.length) {
      try {
        await this.store.setMany(entries, this.opts.ttlSeconds);
      } catch (err) {
        this.failed(err as Error);
      }
    }
    return out as R[];
  }

  private failed(err: Error): void {
    this.count('errors', 1);
    this.opts.onError?.(err);
  }
}

/** An in-process store (tests, single-process tools). */
export class MemoryRequestCacheStore implements RequestCacheStore {
  readonly entries = new Map<string, string>();

  async getMany(keys: string[]): Promise<Array<string | null>> {
    return keys.map((k) => this.entries.get(k) ?? null);
  }

  async setMany(entries: Array<[string, string]>): Promise<void> {
    for (const [k, v] of entries) this.entries.set(k, v);
  }
}
