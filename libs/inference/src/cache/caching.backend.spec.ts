import { GenerateRequest, GenerateResult, LoglikelihoodRequest, LoglikelihoodResult, RollingLoglikelihoodRequest, RollingLoglikelihoodResult } from '@app/contracts';
import { BackendInfo, InferenceBackend } from '../backend.interface';
import { CachingBackend, MemoryRequestCacheStore, requestCacheKey, RequestCacheStore } from './caching.backend';

/** A backend whose answers show how often it was asked: sampled texts depend on the seed and a call counter. */
class CountingBackend implements InferenceBackend {
  calls = { ll: 0, rolling: 0, gen: 0 };
  asked: GenerateRequest[] = [];
  constructor(readonly info: BackendInfo) {}
  async loglikelihood(rs: LoglikelihoodRequest[]): Promise<LoglikelihoodResult[]> {
    this.calls.ll += rs.length;
    return rs.map((r) => ({ logprob: -r.continuation.length, isGreedy: false, contextTokens: 3, continuationTokens: 2, totalMs: 5 }));
  }
  async loglikelihoodRolling(rs: RollingLoglikelihoodRequest[]): Promise<RollingLoglikelihoodResult[]> {
    this.calls.rolling += rs.length;
    return rs.map((r) => ({ logprob: -r.text.length, tokens: 4 }));
  }
  async generateUntil(rs: GenerateRequest[]): Promise<GenerateResult[]> {
    this.asked.push(...rs);
    return rs.map((r) => {
      this.calls.gen++;
      const text = r.temperature === 0 ? `greedy:${r.context}` : `sample:${r.seed}:${r.sampleIndex}:${this.calls.gen}`;
      return { text, inputTokens: 3, outputTokens: 2, finishReason: 'stop', ttftMs: 1, totalMs: 2 };
    });
  }
  async dispose(): Promise<void> {}
}

const info = (modelIdentity = 'sha256:abc'): BackendInfo => ({
  kind: 'llama-cpp',
  modelIdentity,
  engine: 'llama.cpp',
  engineVersion: 'b1',
  device: 'cpu',
  contextSize: 2048,
  batchSize: 512,
  details: {},
});

const gen = (extra: Partial<GenerateRequest> = {}): GenerateRequest => ({ context: 'Q: 2+2?\nA:', until: ['\n'], maxTokens: 16, temperature: 0, ...extra });

describe('CachingBackend (request cache decorator)', () => {
  let store: MemoryRequestCacheStore;
  let inner: CountingBackend;
  let cache: CachingBackend;

  beforeEach(() => {
    store = new MemoryRequestCacheStore();
    inner = new CountingBackend(info());
    cache = new CachingBackend(inner, store, { ttlSeconds: 60 });
  });

  it('answers a repeated log-likelihood batch from the cache, flagged, with the original numbers', async () => {
    const reqs = [
      { context: 'a', continuation: ' b' },
      { context: 'a', continuation: ' cc' },
    ];
    const first = await cache.loglikelihood(reqs);
    expect(first.every((r) => r.cached === undefined)).toBe(true);
    const second = await cache.loglikelihood(reqs);
    expect(inner.calls.ll).toBe(2);
    expect(second).toEqual(first.map((r) => ({ ...r, cached: true })));
    expect(cache.stats).toMatchObject({ hits: 2, misses: 2, uncacheable: 0 });
  });

  it('asks the backend only for the misses, in one call, and keeps the order', async () => {
    await cache.loglikelihood([{ context: 'a', continuation: ' b' }]);
    const res = await cache.loglikelihood([
      { context: 'x', continuation: ' yyy' },
      { context: 'a', continuation: ' b' },
      { context: 'x', continuation: ' z' },
    ]);
    expect(res.map((r) => [r.logprob, r.cached ?? false])).toEqual([
      [-4, false],
      [-2, true],
      [-2, false],
    ]);
    expect(inner.calls.ll).toBe(3);
  });

  it('keys on the model identity, the backend kind and the request type', async () => {
    await cache.loglikelihood([{ context: 'a', continuation: ' b' }]);
    const other = new CachingBackend(new CountingBackend(info('sha256:other')), store, { ttlSeconds: 60 });
    expect((await other.loglikelihood([{ context: 'a', continuation: ' b' }]))[0].cached).toBeUndefined();
    const r = { type: 'loglikelihood' as const, context: 'a', continuation: ' b' };
    expect(requestCacheKey(info(), r)).not.toBe(requestCacheKey({ ...info(), kind: 'openai' }, r));
    expect(requestCacheKey(info(), { type: 'loglikelihood_rolling', text: 'a b' })).not.toBe(requestCacheKey(info(), r));
  });

  it('greedy generations share an entry whatever the seed (it cannot change the argmax)', async () => {
    await cache.generateUntil([gen({ seed: 1234 })]);
    const [again] = await cache.generateUntil([gen({ seed: 1235 })]);
    expect(again.cached).toBe(true);
    expect(again.text).toBe('greedy:Q: 2+2?\nA:');
    expect(inner.calls.gen).toBe(1);
  });

  it('never conflates sampled generations of different sample indices / seeds', async () => {
    const samples = [0, 1, 2, 3].map((i) => gen({ temperature: 0.8, topP: 0.95, seed: 1234 + i, sampleIndex: i }));
    const first = await cache.generateUntil(samples);
    expect(new Set(first.map((g) => g.text)).size).toBe(4);
    const second = await cache.generateUntil(samples);
    expect(second.map((g) => g.text)).toEqual(first.map((g) => g.text));
    expect(second.every((g) => g.cached)).toBe(true);
    // Same seed, another sample index: a different sample.
    const [other] = await cache.generateUntil([gen({ temperature: 0.8, topP: 0.95, seed: 1234, sampleIndex: 7 })]);
    expect(other.cached).toBeUndefined();
    expect(inner.calls.gen).toBe(5);
  });

  it('does not cache sampled generations that carry neither a seed nor a sample index', async () => {
    const r = gen({ temperature: 1 });
    const [a] = await cache.generateUntil([r, r]);
    const [b] = await cache.generateUntil([r]);
    expect(b.cached).toBeUndefined();
    expect(b.text).not.toBe(a.text);
    expect(inner.calls.gen).toBe(3);
    expect(store.entries.size).toBe(0);
    expect(cache.stats.uncacheable).toBe(3);
  });

  it('a failing store never fails a request: the backend answers and the error is counted', async () => {
    const errors: string[] = [];
    const broken: RequestCacheStore = {
      getMany: () => Promise.reject(new Error('redis down')),
      setMany: () => Promise.reject(new Error('redis down')),
    };
    const c = new CachingBackend(inner, broken, { ttlSeconds: 60, onError: (e) => errors.push(e.message) });
    const res = await c.loglikelihoodRolling([{ text: 'hello' }]);
    expect(res[0]).toEqual({ logprob: -5, tokens: 4 });
    expect(c.stats.errors).toBe(2);
    expect(errors).toEqual(['redis down', 'redis down']);
  });

  it('per-shard views count their own hits and add them to the shared counters', async () => {
    const a = cache.forShard();
    const b = cache.forShard();
    await a.loglikelihood([{ context: 'a', continuation: ' b' }]);
    await b.loglikelihood([{ context: 'a', continuation: ' b' }, { context: 'c', continuation: ' d' }]);
    expect(a.stats).toMatchObject({ hits: 0, misses: 1 });
    expect(b.stats).toMatchObject({ hits: 1, misses: 1 });
    expect(cache.stats).toMatchObject({ hits: 1, misses: 2 });
    expect(a.info).toBe(inner.info);
  });
});
