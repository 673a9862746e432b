import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import {
  AnyResult,
  DomainException,
  ErrorCode,
  GenerateRequest,
  GenerateResult,
  LoglikelihoodRequest,
  LoglikelihoodResult,
  ReplayBackendSpec,
  RequestOptions,
  requestKey,
  requestKeyFor,
  RequestType,
  RollingLoglikelihoodRequest,
  RollingLoglikelihoodResult,
  SampleRecord,
  TypedRequest,
  unreadableSampleRecordVersion,
} from '@app/contracts';
import { BackendInfo, InferenceBackend } from '../backend.interface';

const gunzipAsync = promisify(gunzip);

/** What the replay backend needs from the artifact store (ArtifactStore has it). */
export interface ArtifactReader {
  list(prefix: string): Promise<Array<{ key: string }>>;
  getBuffer(key: string): Promise<Buffer | null>;
}

/** Artifacts read at once while loading. */
const LOAD_PARALLEL = 4;

/**
 * Answers requests from a previous run's per-sample artifacts (runs/<run>/samples/<benchmark>/
 * <shard>.jsonl.gz) instead of a model: re-scoring without a GPU, and pipeline benchmarks.
 *
 * Requests are matched by content: requestKey(type + canonical arguments) against the records'
 * `responses` (every answer, the conditional-loss request included, with token counts and timings).
 * Records written before `responses` existed are read from `arguments`/`resps`: log-likelihoods
 * without token counts, generations by prompt in sample order, and no conditional-loss answers.
 * A request with no stored answer is an error that names it: the benchmark's requests changed, so
 * a re-score cannot stand in for inference.
 *
 * Artifacts are loaded as shards need them: the API names, per shard, the source's artifacts that
 * hold its documents (spec.artifacts), so the workers of a fleet each load their part of the source
 * rather than all of it, and a worker's first shard starts after its own part. Shards of the same
 * source share one backend; an artifact is loaded once, whichever shards wait for it.
 */
export class ReplayBackend implements InferenceBackend {
  readonly info: BackendInfo;
  private readonly answers = new Map<string, AnyResult>();
  private readonly legacyGenerations = new Map<string, string[]>();
  /** Every artifact asked for so far, by key: loaded, or loading (failed loads are forgotten, so a later shard retries). */
  private readonly loads = new Map<string, Promise<void>>();
  private readonly counts = { artifacts: 0, records: 0, legacyRecords: 0 };
  /** The source benchmark's artifact keys, for specs that name none. */
  private listing: Promise<string[]> | undefined;

  private constructor(
    private readonly spec: ReplayBackendSpec,
    private readonly reader: ArtifactReader,
  ) {
    this.info = {
      kind: 'replay',
      modelIdentity: `replay:${spec.sourceRunId}`,
      engine: 'replay',
      engineVersion: '1',
      device: 'none',
      contextSize: 0,
      batchSize: 0,
      details: { sourceRunId: spec.sourceRunId, benchmark: spec.benchmark ?? null },
    };
  }

  /** A replay of spec's source with spec.artifacts loaded (every artifact of the run's benchmark when it names none). */
  static async open(spec: ReplayBackendSpec, reader: ArtifactReader, signal?: AbortSignal): Promise<ReplayBackend> {
    const b = new ReplayBackend(spec, reader);
    await b.load(spec.artifacts, signal);
    return b;
  }

  /** What has been loaded so far. */
  loaded(): { artifacts: number; records: number; legacyRecords: number; answers: number } {
    return { ...this.counts, answers: this.answers.size };
  }

  /**
   * Makes the answers of these artifacts available (every artifact of the source run's benchmark when
   * keys is undefined). Artifacts already loaded or being loaded are not fetched again. `signal` stops
   * this call's loading between artifacts; what it left unloaded is loaded by the next call that asks.
   */
  async load(keys?: readonly string[], signal?: AbortSignal): Promise<void> {
    const wanted = keys ?? (await this.listAll());
    const fresh = [...new Set(wanted)].filter((k) => !this.loads.has(k));
    if (fresh.length) this.loadInOrder(fresh, signal);
    await Promise.all(wanted.map((k) => this.loads.get(k)));
  }

  /** The benchmark's artifacts, listed once (for specs that name none); listed again after a failed listing. */
  private listAll(): Promise<string[]> {
    this.listing ??= this.list().catch((err: unknown) => {
      this.listing = undefined;
      throw err;
    });
    return this.listing;
  }

  private async list(): Promise<string[]> {
    const { sourceRunId, benchmark } = this.spec;
    const prefix = `runs/${sourceRunId}/samples/${benchmark ? `${benchmark}/` : ''}`;
    const keys = (await this.reader.list(prefix)).map((o) => o.key).filter((k) => k.endsWith('.jsonl.gz'));
    if (keys.length === 0) {
      throw new DomainException(
        ErrorCode.MissingResource,
        `run ${sourceRunId} has no stored samples${benchmark ? ` for ${benchmark}` : ''} to replay (looked under ${prefix})`,
        { sourceRunId, benchmark },
      );
    }
    return keys;
  }

  /**
   * Registers a promise per key in `loads`, then fetches and inflates up to LOAD_PARALLEL artifacts
   * ahead while an earlier one is parsed. The first failure fails its key and every key after it.
   */
  private loadInOrder(keys: string[], signal?: AbortSignal): void {
    const settle = keys.map(() => ({ resolve: () => {}, reject: (_err: unknown) => {} }));
    keys.forEach((k, i) => {
      const p = new Promise<void>((resolve, reject) => (settle[i] = { resolve, reject }));
      p.catch(() => this.loads.get(k) === p && this.loads.delete(k));
      this.loads.set(k, p);
    });
    const pending = keys.map(() => null as Promise<Buffer> | null);
    const fetchAhead = (i: number) => {
      if (i >= keys.length) return;
      pending[i] = inflate(this.reader, keys[i]);
      pending[i]!.catch(() => undefined); // observed when awaited; not an unhandled rejection meanwhile
    };
    void (async () => {
      let i = 0;
      try {
        for (let j = 0; j < LOAD_PARALLEL; j++) fetchAhead(j);
        for (; i < keys.length; i++) {
          if (signal?.aborted) throw new DomainException(ErrorCode.Cancelled, `loading the replay of run ${this.spec.sourceRunId} was cancelled`);
          const text = await pending[i]!;
          pending[i] = null;
          fetchAhead(i + LOAD_PARALLEL);
          this.index(text, keys[i]);
          settle[i].resolve();
        }
      } catch (err) {
        for (; i < keys.length; i++) settle[i].reject(err);
      }
    })();
  }

  private index(text: Buffer, key: string): void {
    forEachRecord(text, key, (r) => {
      this.counts.records++;
      if (r.responses) {
        for (const { key: k, response } of r.responses) if (!this.answers.has(k)) this.answers.set(k, withoutCacheFlag(response));
      } else {
        this.counts.legacyRecords++;
        indexLegacy(r, this.answers, this.legacyGenerations);
      }
    });
    this.counts.artifacts++;
  }

  async loglikelihood(requests: LoglikelihoodRequest[], opts: RequestOptions = {}): Promise<LoglikelihoodResult[]> {
    return this.answer('loglikelihood', requests, opts) as LoglikelihoodResult[];
  }

  async loglikelihoodRolling(requests: RollingLoglikelihoodRequest[], opts: RequestOptions = {}): Promise<RollingLoglikelihoodResult[]> {
    return this.answer('loglikelihood_rolling', requests, opts) as RollingLoglikelihoodResult[];
  }

  async generateUntil(requests: GenerateRequest[], opts: RequestOptions = {}): Promise<GenerateResult[]> {
    return this.answer('generate_until', requests, opts) as GenerateResult[];
  }

  async dispose(): Promise<void> {
    this.answers.clear();
    this.legacyGenerations.clear();
    this.loads.clear();
  }

  private answer(type: RequestType, requests: ReadonlyArray<LoglikelihoodRequest | RollingLoglikelihoodRequest | GenerateRequest>, opts: RequestOptions): AnyResult[] {
    if (opts.signal?.aborted) throw new DomainException(ErrorCode.Cancelled, 'replay cancelled');
    const legacyUsed = new Map<string, number>();
    const missing: TypedRequest[] = [];
    const out = requests.map((req) => {
      // Keyed through the request object (the worker records the same key for it afterwards).
      const found = this.answers.get(requestKeyFor(type, req));
      if (found) return { ...found };
      const r = { ...req, type } as TypedRequest;
      if (r.type === 'generate_until') {
        const texts = this.legacyGenerations.get(r.context);
        const k = legacyUsed.get(r.context) ?? 0;
        if (texts && k < texts.length) {
          legacyUsed.set(r.context, k + 1);
          return { text: texts[k], inputTokens: 0, outputTokens: 0, finishReason: 'stop', ttftMs: 0, totalMs: 0 } satisfies GenerateResult;
        }
      }
      missing.push(r);
      return null;
    });
    if (missing.length) {
      throw new DomainException(
        ErrorCode.MissingResource,
        `replay of run ${this.spec.sourceRunId}: no stored answer for ${missing.length} of ${requests.length} ${type} requests ` +
          `(first: ${describe(missing[0])}). The benchmark's requests changed since that run (prompt, few-shot examples, choices or ` +
          'generation settings), or its records predate stored conditional-loss answers; that needs new inference, not a re-score.',
        { sourceRunId: this.spec.sourceRunId, missing: missing.length },
      );
    }
    return out as AnyResult[];
  }
}

async function inflate(reader: ArtifactReader, key: string): Promise<Buffer> {
  const buf = await reader.getBuffer(key);
  if (!buf) throw new DomainException(ErrorCode.MissingResource, `artifact ${key} disappeared while loading the replay`);
  return gunzipAsync(buf);
}

/**
 * Parses a JSONL artifact line by line straight from its bytes. Decoding the whole object into one
 * string first cost more than the parsing (a 20 MB string a shard, in the old generation, for the
 * garbage collector to trace); line strings die young.
 */
function forEachRecord(buf: Buffer, key: string, each: (r: SampleRecord) => void): void {
  let line = 0;
  for (let start = 0; start < buf.length; ) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    line++;
    const text = buf.toString('utf8', start, end);
    start = end + 1;
    if (!text.trim()) continue;
    let r: SampleRecord;
    try {
      r = JSON.parse(text) as SampleRecord;
    } catch {
      throw new DomainException(ErrorCode.InvalidInput, `artifact ${key} has a line that is not JSON (line ${line})`);
    }
    const unreadable = unreadableSampleRecordVersion(r);
    if (unreadable) throw new DomainException(ErrorCode.InvalidInput, `artifact ${key}, line ${line}: ${unreadable}`);
    each(r);
  }
}

function withoutCacheFlag(r: AnyResult): AnyResult {
  if (!('cached' in r)) return r;
  const { cached: _cached, ...rest } = r;
  return rest as AnyResult;
}

/** Records without `responses`: log-likelihoods from arguments/resps, generations by prompt. */
function indexLegacy(r: SampleRecord, answers: Map<string, AnyResult>, generations: Map<string, string[]>): void {
  const args = r.arguments as unknown[][];
  const resps = r.resps as unknown[][];
  const first = args[0];
  if (args.length === 1 && Array.isArray(first) && typeof first[0] === 'string' && typeof first[1] === 'object' && first[1] !== null) {
    if (!generations.has(first[0])) generations.set(first[0], (resps[0] as unknown[]).map(String));
    return;
  }
  args.forEach((a, i) => {
    const resp = (resps[i] as unknown[][] | undefined)?.[0];
    if (!Array.isArray(a) || !Array.isArray(resp) || typeof resp[0] !== 'number') return;
    if (a.length === 2) {
      const key = requestKey({ type: 'loglikelihood', context: String(a[0]), continuation: String(a[1]) });
      if (!answers.has(key)) answers.set(key, { logprob: resp[0], isGreedy: Boolean(resp[1]), contextTokens: 0, continuationTokens: 0 });
    } else if (a.length === 1) {
      const key = requestKey({ type: 'loglikelihood_rolling', text: String(a[0]) });
      if (!answers.has(key)) answers.set(key, { logprob: resp[0], tokens: r.loss?.tokens ?? 0 });
    }
  });
}

function describe(r: TypedRequest): string {
  const cut = (s: string) => JSON.stringify(s.length > 60 ? `…${s.slice(-60)}` : s);
  switch (r.type) {
    case 'loglikelihood':
      return `context ${cut(r.context)}, continuation ${cut(r.continuation)}`;
    case 'loglikelihood_rolling':
      return `text ${cut(r.text)}`;
    case 'generate_until':
      return `prompt ${cut(r.context)}, max ${r.maxTokens} tokens, temperature ${r.temperature}${r.seed !== undefined ? `, seed ${r.seed}` : ''}`;
  }
}
