import { gzipSync } from 'node:zlib';
import { DomainException, ErrorCode, GenerateRequest, recordResponses, SAMPLE_RECORD_SCHEMA_VERSION, SampleRecord, TypedRequest, AnyResult } from '@app/contracts';
import { ArtifactReader, ReplayBackend } from './replay.backend';

/** An artifact store in memory: key → gzipped JSONL. */
class MemoryReader implements ArtifactReader {
  readonly objects = new Map<string, Buffer>();
  put(key: string, records: Array<Partial<SampleRecord>>): void {
    this.objects.set(key, gzipSync(records.map((r) => JSON.stringify(r)).join('\n') + '\n'));
  }
  async list(prefix: string) {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).map((key) => ({ key }));
  }
  async getBuffer(key: string) {
    return this.objects.get(key) ?? null;
  }
}

const RUN = '11111111-2222-3333-4444-555555555555';
const greedyGen = (context: string, seed: number): GenerateRequest => ({ context, until: ['\n'], maxTokens: 32, temperature: 0, seed });

function record(docId: number, requests: TypedRequest[], responses: AnyResult[]): Partial<SampleRecord> {
  return { schema_version: SAMPLE_RECORD_SCHEMA_VERSION, doc_id: docId, benchmark: 'demo', arguments: [], resps: [], metrics: {}, responses: recordResponses(requests, responses) };
}

describe('ReplayBackend', () => {
  const reader = new MemoryReader();
  const mc: TypedRequest[] = [
    { type: 'loglikelihood', context: 'Q: sky?\nA:', continuation: ' blue' },
    { type: 'loglikelihood', context: 'Q: sky?\nA:', continuation: ' green' },
  ];
  const gens: TypedRequest[] = [
    { type: 'generate_until', ...greedyGen('Q: 1+1?\nA:', 1234) },
    { type: 'generate_until', ...greedyGen('Q: 1+1?\nA:', 1235) },
    // the conditional-loss request of a generate_until task
    { type: 'loglikelihood', context: 'Q: 1+1?\nA:', continuation: ' 2' },
  ];

  beforeAll(() => {
    reader.put(`runs/${RUN}/samples/demo/a.jsonl.gz`, [
      record(0, mc, [
        { logprob: -1.5, isGreedy: true, contextTokens: 7, continuationTokens: 1, totalMs: 3 },
        { logprob: -4.25, isGreedy: false, contextTokens: 7, continuationTokens: 1, cached: true },
      ]),
    ]);
    reader.put(`runs/${RUN}/samples/demo/b.jsonl.gz`, [
      record(1, gens, [
        { text: ' 2', inputTokens: 8, outputTokens: 2, finishReason: 'stop', ttftMs: 4, totalMs: 9 },
        { text: ' 3', inputTokens: 8, outputTokens: 2, finishReason: 'stop', ttftMs: 4, totalMs: 9 },
        { logprob: -0.5, isGreedy: true, contextTokens: 8, continuationTokens: 1 },
      ]),
      record(2, [{ type: 'loglikelihood_rolling', text: 'The end.' }], [{ logprob: -12, tokens: 4 }]),
    ]);
    // A record written before `responses` existed (lm-eval fields only).
    reader.put(`runs/${RUN}/samples/old/c.jsonl.gz`, [
      { doc_id: 0, benchmark: 'old', arguments: [['ctx', ' yes'], ['ctx', ' no']], resps: [[[-0.1, true]], [[-3, false]]], metrics: {} },
      { doc_id: 1, benchmark: 'old', arguments: [['Q?', { until: ['\n'] }]], resps: [['first', 'second']], metrics: {} },
    ]);
  });

  it('answers every request type by content, the conditional-loss request included, with token counts and timings', async () => {
    const b = await ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'demo' }, reader);
    expect(b.info).toMatchObject({ kind: 'replay', modelIdentity: `replay:${RUN}`, device: 'none' });
    expect(b.loaded()).toMatchObject({ artifacts: 2, records: 3, legacyRecords: 0 });
    const ll = await b.loglikelihood([mc[1], mc[0], gens[2]].map(({ type: _t, ...r }) => r as never));
    expect(ll).toEqual([
      { logprob: -4.25, isGreedy: false, contextTokens: 7, continuationTokens: 1 },
      { logprob: -1.5, isGreedy: true, contextTokens: 7, continuationTokens: 1, totalMs: 3 },
      { logprob: -0.5, isGreedy: true, contextTokens: 8, continuationTokens: 1 },
    ]);
    const g = await b.generateUntil([greedyGen('Q: 1+1?\nA:', 1235), greedyGen('Q: 1+1?\nA:', 1234)]);
    expect(g.map((x) => x.text)).toEqual([' 3', ' 2']);
    expect(g[0]).toMatchObject({ inputTokens: 8, outputTokens: 2, ttftMs: 4, totalMs: 9 });
    expect(await b.loglikelihoodRolling([{ text: 'The end.' }])).toEqual([{ logprob: -12, tokens: 4 }]);
  });

  it('names a request it has no answer for', async () => {
    const b = await ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'demo' }, reader);
    const err = await b.loglikelihood([{ context: 'Q: sky?\nA:', continuation: ' blue' }, { context: 'Q: sky?\nA:', continuation: ' red' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainException);
    expect((err as DomainException).code).toBe(ErrorCode.MissingResource);
    expect((err as Error).message).toContain(`replay of run ${RUN}: no stored answer for 1 of 2 loglikelihood requests`);
    expect((err as Error).message).toContain('continuation " red"');
    // A generation with other settings (here: another max_tokens) is another request.
    await expect(b.generateUntil([{ ...greedyGen('Q: 1+1?\nA:', 1234), maxTokens: 64 }])).rejects.toThrow(/max 64 tokens/);
  });

  it('reads records that predate stored responses from arguments and resps', async () => {
    const b = await ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'old' }, reader);
    expect(b.loaded()).toMatchObject({ legacyRecords: 2 });
    expect(await b.loglikelihood([{ context: 'ctx', continuation: ' no' }])).toEqual([{ logprob: -3, isGreedy: false, contextTokens: 0, continuationTokens: 0 }]);
    const g = await b.generateUntil([greedyGen('Q?', 1), greedyGen('Q?', 2)]);
    expect(g.map((x) => x.text)).toEqual(['first', 'second']);
  });

  it('refuses a record of a newer schema version than it reads, naming the artifact and line', async () => {
    const newer = new MemoryReader();
    newer.put(`runs/${RUN}/samples/demo/a.jsonl.gz`, [record(0, [], []), { ...record(1, [], []), schema_version: SAMPLE_RECORD_SCHEMA_VERSION + 1 }]);
    const err = await ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'demo' }, newer).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainException);
    expect((err as DomainException).code).toBe(ErrorCode.InvalidInput);
    expect((err as Error).message).toMatch(
      new RegExp(`^artifact runs/${RUN}/samples/demo/a.jsonl.gz, line 2: schema_version ${SAMPLE_RECORD_SCHEMA_VERSION + 1} is newer than this densebench reads`),
    );
  });

  it('fails clearly when the source run has no artifacts for the benchmark', async () => {
    await expect(ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'mmlu_anatomy' }, reader)).rejects.toThrow(
      `run ${RUN} has no stored samples for mmlu_anatomy to replay`,
    );
  });
  it('loads every artifact when there are more than it fetches at once, blank lines and a missing final newline included', async () => {
    const many = new MemoryReader();
    const ll = (i: number): TypedRequest => ({ type: 'loglikelihood', context: `ctx ${i}`, continuation: ' x' });
    for (let i = 0; i < 11; i++) {
      const line = JSON.stringify(record(i, [ll(i)], [{ logprob: -i - 0.5, isGreedy: false, contextTokens: 2, continuationTokens: 1 }]));
      many.objects.set(`runs/${RUN}/samples/demo/${i}.jsonl.gz`, gzipSync(i % 2 ? `\n${line}\n\n` : line));
    }
    const b = await ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'demo' }, many);
    expect(b.loaded()).toEqual({ artifacts: 11, records: 11, legacyRecords: 0, answers: 11 });
    const got = await b.loglikelihood(Array.from({ length: 11 }, (_, i) => ({ context: `ctx ${i}`, continuation: ' x' })));
    expect(got.map((r) => r.logprob)).toEqual(Array.from({ length: 11 }, (_, i) => -i - 0.5));
  });

  it('names the artifact and line of a record that is not JSON, and an artifact that disappeared', async () => {
    const bad = new MemoryReader();
    bad.put(`runs/${RUN}/samples/demo/a.jsonl.gz`, [record(0, [], [])]);
    bad.objects.set(`runs/${RUN}/samples/demo/b.jsonl.gz`, gzipSync(`${JSON.stringify(record(1, [], []))}\n{"doc_id": 2,\n`));
    const err = await ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'demo' }, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainException);
    expect((err as DomainException).code).toBe(ErrorCode.InvalidInput);
    expect((err as Error).message).toBe(`artifact runs/${RUN}/samples/demo/b.jsonl.gz has a line that is not JSON (line 2)`);

    const gone = new MemoryReader();
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) gone.put(`runs/${RUN}/samples/demo/${k}.jsonl.gz`, [record(0, [], [])]);
    gone.getBuffer = async (key: string) => (key.endsWith('/e.jsonl.gz') ? null : gone.objects.get(key) ?? null);
    await expect(ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'demo' }, gone)).rejects.toThrow(
      `artifact runs/${RUN}/samples/demo/e.jsonl.gz disappeared while loading the replay`,
    );
  });

  it('stops loading when cancelled', async () => {
    const ctl = new AbortController();
    ctl.abort('shutdown');
    await expect(ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'demo' }, reader, ctl.signal)).rejects.toThrow(/was cancelled/);
  });

  describe('loading the artifacts a shard names', () => {
    /** 6 artifacts of one answer each, and a reader that counts fetches. */
    function counted() {
      const r = new MemoryReader();
      for (let i = 0; i < 6; i++) {
        r.put(`runs/${RUN}/samples/demo/${i}.jsonl.gz`, [record(i, [ll(i)], [{ logprob: -i, isGreedy: false, contextTokens: 2, continuationTokens: 1 }])]);
      }
      const fetched: string[] = [];
      const get = r.getBuffer.bind(r);
      r.getBuffer = async (key: string) => (fetched.push(key), get(key));
      r.list = async () => {
        throw new Error('listed the run although the shard named its artifacts');
      };
      return { r, fetched };
    }
    const ll = (i: number): TypedRequest => ({ type: 'loglikelihood', context: `ctx ${i}`, continuation: ' x' });
    const key = (i: number) => `runs/${RUN}/samples/demo/${i}.jsonl.gz`;
    const spec = (artifacts: string[]) => ({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'demo', artifacts });

    it('opens with only those artifacts, and answers only their requests', async () => {
      const { r, fetched } = counted();
      const b = await ReplayBackend.open(spec([key(1), key(2)]), r);
      expect(fetched.sort()).toEqual([key(1), key(2)]);
      expect(b.loaded()).toEqual({ artifacts: 2, records: 2, legacyRecords: 0, answers: 2 });
      expect((await b.loglikelihood([{ context: 'ctx 2', continuation: ' x' }]))[0].logprob).toBe(-2);
      await expect(b.loglikelihood([{ context: 'ctx 4', continuation: ' x' }])).rejects.toThrow(/no stored answer for 1 of 1/);
    });

    it('fetches each artifact once however many shards ask for it, at once or later', async () => {
      const { r, fetched } = counted();
      const b = await ReplayBackend.open(spec([key(0)]), r);
      await Promise.all([b.load([key(0), key(1), key(2)]), b.load([key(2), key(3)]), b.load([key(3), key(1)])]);
      await b.load([key(1), key(3)]);
      expect(fetched.sort()).toEqual([0, 1, 2, 3].map(key));
      expect(b.loaded()).toMatchObject({ artifacts: 4, answers: 4 });
    });

    it('a failed load fails every shard waiting for it, and the next shard that asks loads it again', async () => {
      const { r, fetched } = counted();
      const b = await ReplayBackend.open(spec([key(0)]), r);
      const get = r.getBuffer;
      let down = true;
      r.getBuffer = async (k: string) => (down && k === key(4) ? null : get(k));
      const waiting = [b.load([key(3), key(4), key(5)]), b.load([key(5)])];
      await expect(waiting[0]).rejects.toThrow(`artifact ${key(4)} disappeared while loading the replay`);
      await expect(waiting[1]).rejects.toThrow(`artifact ${key(4)} disappeared while loading the replay`);
      down = false;
      await b.load([key(4), key(5)]);
      expect((await b.loglikelihood([4, 5].map((i) => ({ context: `ctx ${i}`, continuation: ' x' })))).map((x) => x.logprob)).toEqual([-4, -5]);
      // key(3) loaded before the failure and is not fetched again.
      expect(fetched.filter((k) => k === key(3))).toHaveLength(1);
    });

    it('without named artifacts lists the benchmark once, and again only after a failed listing', async () => {
      const r = new MemoryReader();
      r.put(`runs/${RUN}/samples/demo/0.jsonl.gz`, [record(0, [ll(0)], [{ logprob: -1, isGreedy: false, contextTokens: 2, continuationTokens: 1 }])]);
      const list = r.list.bind(r);
      let lists = 0;
      let failing = false;
      r.list = async (prefix: string) => {
        lists++;
        if (failing) throw new Error('S3 unavailable');
        return list(prefix);
      };
      const b = await ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'demo' }, r);
      await b.load();
      await b.load();
      expect(lists).toBe(1);

      const c = await ReplayBackend.open({ kind: 'replay' as never, sourceRunId: RUN, benchmark: 'demo', artifacts: [] }, r);
      failing = true;
      await expect(c.load()).rejects.toThrow('S3 unavailable');
      failing = false;
      await c.load();
      expect(c.loaded()).toMatchObject({ artifacts: 1, answers: 1 });
    });
  });
});
