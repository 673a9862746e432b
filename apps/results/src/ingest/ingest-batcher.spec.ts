import type { IngestOutcome } from './ingest-shard.service';
import { IngestBatcher } from './ingest-batcher';

type Settled = Array<PromiseSettledResult<IngestOutcome>>;

/** A fake ingestMany whose batches the test finishes one by one. */
function fakeIngest() {
  const calls: Array<{ ids: string[]; finish: (s: Settled | Error) => void }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const ingestMany = (ids: string[]) =>
    new Promise<Settled>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push({
        ids,
        finish: (s) => {
          inFlight--;
          if (s instanceof Error) reject(s);
          else resolve(s);
        },
      });
    });
  return { calls, ingestMany, maxInFlight: () => maxInFlight };
}
const ok = (ids: string[]): Settled => ids.map((id) => ({ status: 'fulfilled', value: { ingested: id.length, inserted: id.length } }));
// Lets the batcher's promise callbacks run (a finished batch frees its lane in a later microtask).
const tick = () => new Promise((r) => setImmediate(r));

describe('IngestBatcher', () => {
  it('starts a shard at once when a lane is free', async () => {
    const f = fakeIngest();
    const b = new IngestBatcher(f.ingestMany, { lanes: 2, maxShards: 32 });
    const a = b.ingest('a');
    expect(f.calls.map((c) => c.ids)).toEqual([['a']]);
    f.calls[0].finish(ok(['a']));
    await expect(a).resolves.toEqual({ ingested: 1, inserted: 1 });
  });

  it('groups the shards that arrive while every lane is busy into the next batch', async () => {
    const f = fakeIngest();
    const b = new IngestBatcher(f.ingestMany, { lanes: 1, maxShards: 32 });
    const first = b.ingest('a');
    const rest = ['bb', 'ccc', 'dddd'].map((id) => b.ingest(id));
    expect(f.calls).toHaveLength(1);
    expect(b.queued).toBe(3);
    f.calls[0].finish(ok(['a']));
    await first;
    await tick();
    expect(f.calls.map((c) => c.ids)).toEqual([['a'], ['bb', 'ccc', 'dddd']]);
    f.calls[1].finish(ok(['bb', 'ccc', 'dddd']));
    await expect(Promise.all(rest)).resolves.toEqual([2, 3, 4].map((n) => ({ ingested: n, inserted: n })));
  });

  it('takes at most maxShards per batch, in arrival order', async () => {
    const f = fakeIngest();
    const b = new IngestBatcher(f.ingestMany, { lanes: 1, maxShards: 2 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) => b.ingest(id));
    for (let i = 0; i < 3; i++) {
      await tick();
      f.calls[i].finish(ok(f.calls[i].ids));
    }
    await Promise.all(all);
    expect(f.calls.map((c) => c.ids)).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
  });

  it('runs at most `lanes` batches at once and a freed lane takes what waits', async () => {
    const f = fakeIngest();
    const b = new IngestBatcher(f.ingestMany, { lanes: 2, maxShards: 32 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) => b.ingest(id));
    expect(f.calls.map((c) => c.ids)).toEqual([['a'], ['b']]);
    f.calls[1].finish(ok(['b']));
    await tick();
    expect(f.calls.map((c) => c.ids)).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    f.calls[0].finish(ok(['a']));
    f.calls[2].finish(ok(['c', 'd', 'e']));
    await Promise.all(all);
    expect(f.maxInFlight()).toBe(2);
    expect(b.queued).toBe(0);
  });

  it("gives each caller its own shard's outcome or error", async () => {
    const f = fakeIngest();
    const b = new IngestBatcher(f.ingestMany, { lanes: 1, maxShards: 32 });
    const first = b.ingest('first');
    const [x, y, z] = ['x', 'y', 'z'].map((id) => b.ingest(id));
    f.calls[0].finish(ok(['first']));
    await first;
    await tick();
    const invalid = new Error('artifact y is invalid');
    f.calls[1].finish([
      { status: 'fulfilled', value: { ingested: 3, inserted: 3 } },
      { status: 'rejected', reason: invalid },
      { status: 'fulfilled', value: { alreadyIngested: true } },
    ]);
    await expect(x).resolves.toEqual({ ingested: 3, inserted: 3 });
    await expect(y).rejects.toBe(invalid);
    await expect(z).resolves.toEqual({ alreadyIngested: true });
  });

  it('rejects every caller of a batch that throws as a whole, then goes on with the next', async () => {
    const f = fakeIngest();
    const b = new IngestBatcher(f.ingestMany, { lanes: 1, maxShards: 2 });
    const [a, c, d] = ['a', 'c', 'd'].map((id) => b.ingest(id));
    const down = new Error('connection lost');
    f.calls[0].finish(down);
    await expect(a).rejects.toBe(down);
    await tick();
    f.calls[1].finish([{ status: 'fulfilled', value: { alreadyIngested: true } }]);
    await expect(c).resolves.toEqual({ alreadyIngested: true });
    await expect(d).rejects.toThrow('no outcome for shard d');
  });

  it('refuses limits below one', () => {
    expect(() => new IngestBatcher(fakeIngest().ingestMany, { lanes: 0, maxShards: 1 })).toThrow('invalid ingest batch limits');
  });
});
