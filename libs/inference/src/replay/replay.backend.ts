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
 */
export class ReplayBackend implements InferenceBackend {
  private constructor(
    readonly info: BackendInfo,
    private readonly spec: ReplayBackendSpec,
    private readonly answers: Map<string, AnyResult>,
    private readonly legacyGenerations: Map<string, string[]>,
  ) {}

  static async open(spec: ReplayBackendSpec, reader: ArtifactReader, signal?: AbortSignal): Promise<ReplayBackend> {
    const prefix = `runs/${spec.sourceRunId}/samples/${spec.benchmark ? `${spec.benchmark}/` : ''}`;
    const keys = (await reader.list(prefix)).map((o) => o.key).filter((k) => k.endsWith('.jsonl.gz'));
    if (keys.length === 0) {
      throw new DomainException(
        ErrorCode.MissingResource,
        `run ${spec.sourceRunId} has no stored samples${spec.benchmark ? ` for ${spec.benchmark}` : ''} to replay (looked under ${prefix})`,
        { sourceRunId: spec.sourceRunId, benchmark: spec.benchmark },
      );
    }
    const answers = new Map<string, AnyResult>();
    const legacyGenerations = new Map<string, string[]>();
    let records = 0;
    let legacy = 0;
    // Up to LOAD_PARALLEL artifacts fetched and inflated ahead while an earlier one is parsed.
    const pending = keys.map(() => null as Promise<Buffer> | null);
    const fetchAhead = (i: number) => {
      if (i >= keys.length) return;
      pending[i] = inflate(reader, keys[i]);
      pending[i]!.catch(() => undefined); // observed when awaited; not an unhandled rejection meanwhile
    };
    for (let i = 0; i < LOAD_PARALLEL; i++) fetchAhead(i);
    for (let i = 0; i < keys.length; i++) {
      if (signal?.aborted) throw new DomainException(ErrorCode.Cancelled, `loading the replay of run ${spec.sourceRunId} was cancelled`);
      const text = await pending[i]!;
      pending[i] = null;
      fetchAhead(i + LOAD_PARALLEL);
      forEachRecord(text, keys[i], (r) => {
        records++;
        if (r.responses) for (const { key, response } of r.responses) answers.has(key) || answers.set(key, withoutCacheFlag(response));
        else {
          legacy++;
          indexLegacy(r, answers, legacyGenerations);
        }
      });
    }
    const info: BackendInfo = {
      kind: 'replay',
      modelIdentity: `replay:${spec.sourceRunId}`,
      engine: 'replay',
      engineVersion: '1',
      device: 'none',
      contextSize: 0,
      batchSize: 0,
      details: { sourceRunId: spec.sourceRunId, benchmark: spec.benchmark ?? null, artifacts: keys.length, records, legacyRecords: legacy, answers: answers.size },
    };
    return new ReplayBackend(info, spec, answers, legacyGenerations);
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
