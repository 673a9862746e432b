import { Batcher } from './batcher';

/** A write that records its batches and ends when released (its items' values doubled). */
function slowWrite() {
  const batches: Array<Array<[string, number]>> = [];
  const releases: Array<() => void> = [];
  const write = (items: Map<string, number>) => {
    batches.push([...items]);
    return new Promise<Map<string, number>>((resolve) => releases.push(() => resolve(new Map([...items].map(([k, v]) => [k, v * 2])))));
  };
  return { batches, releases, write };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Batcher', () => {
  it('writes a lone item at once, and what arrives during a write together in the next one', async () => {
    const w = slowWrite();
    const g = new Batcher(w.write);
    const a = g.submit('a', 1);
    await tick();
    expect(w.batches).toEqual([[['a', 1]]]);
    const rest = ['b', 'c', 'd'].map((k, i) => g.submit(k, i + 2));
    await tick();
    expect(w.batches).toHaveLength(1);
    w.releases[0]();
    expect(await a).toBe(2);
    await tick();
    expect(w.batches[1]).toEqual([['b', 2], ['c', 3], ['d', 4]]);
    w.releases[1]();
    expect(await Promise.all(rest)).toEqual([4, 6, 8]);
  });

  it('one key twice before its write: the later item is written, both callers get its result', async () => {
    const w = slowWrite();
    const g = new Batcher(w.write);
    const first = g.submit('x', 0);
    await tick();
    const [p, q] = [g.submit('y', 1), g.submit('y', 5)];
    w.releases[0]();
    await first;
    await tick();
    expect(w.batches[1]).toEqual([['y', 5]]);
    w.releases[1]();
    expect(await Promise.all([p, q])).toEqual([10, 10]);
  });

  it('a failed write rejects its own callers only; the next batch is written', async () => {
    let calls = 0;
    const g = new Batcher<number, number>(async (items) => {
      if (calls++ === 0) throw new Error('connection lost');
      return new Map([...items].map(([k, v]) => [k, v]));
    });
    const bad = g.submit('a', 1);
    const good = g.submit('b', 2);
    await expect(bad).rejects.toThrow('connection lost');
    expect(await good).toBe(2);
  });

  it('splits batches at maxBatch', async () => {
    const sizes: number[] = [];
    const g = new Batcher<number, number>(async (items) => {
      sizes.push(items.size);
      return new Map();
    }, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => g.submit(k, 0)));
    expect(sizes).toEqual([1, 2, 2]);
  });
});
