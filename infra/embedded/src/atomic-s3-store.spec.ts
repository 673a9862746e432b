import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AtomicFilesystemStore } from './atomic-s3-store';

/** A body that arrives in `n` chunks of `size` bytes, `gapMs` apart; fails at chunk `failAt` when given. */
function slowBody(n: number, size: number, gapMs: number, fill: string, failAt?: number): Readable {
  let i = 0;
  return new Readable({
    read() {
      setTimeout(() => {
        if (i === failAt) this.destroy(new Error('client went away'));
        else this.push(i++ < n ? Buffer.alloc(size, fill) : null);
      }, gapMs);
    },
  });
}

const readAll = async (s: Readable): Promise<Buffer> => {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
};

describe('AtomicFilesystemStore (the embedded S3 server\'s store)', () => {
  let root: string;
  let store: AtomicFilesystemStore & Record<string, any>;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'atomic-s3-'));
    store = new AtomicFilesystemStore(join(root, 'data')) as AtomicFilesystemStore & Record<string, any>;
    await store.putBucket('b');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('shows no object until its body is whole, then the whole of it', async () => {
    const put = store.putObject({ bucket: 'b', key: 'runs/r/x.jsonl.gz', content: slowBody(8, 4096, 15, 'a'), metadata: {} });
    const seen: boolean[] = [];
    let done = false;
    void put.then(() => (done = true));
    while (!done) {
      seen.push(await store.existsObject('b', 'runs/r/x.jsonl.gz'));
      expect((await store.listObjects('b', {})).objects).toHaveLength(seen[seen.length - 1] ? 1 : 0);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await put).toMatchObject({ size: 8 * 4096 });
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((s) => !s)).toBe(true);
    const obj = await store.getObject('b', 'runs/r/x.jsonl.gz');
    expect((await readAll(obj.content)).equals(Buffer.alloc(8 * 4096, 'a'))).toBe(true);
  });

  it('an overwrite shows the old object whole until the new one is whole', async () => {
    await store.putObject({ bucket: 'b', key: 'k', content: Buffer.alloc(1000, 'o'), metadata: {} });
    const put = store.putObject({ bucket: 'b', key: 'k', content: slowBody(6, 2048, 15, 'n'), metadata: {} });
    const mid = await new Promise<Buffer>((resolve) => setTimeout(async () => resolve(await readAll((await store.getObject('b', 'k')).content)), 40));
    expect(mid.equals(Buffer.alloc(1000, 'o'))).toBe(true);
    await put;
    expect((await readAll((await store.getObject('b', 'k')).content)).equals(Buffer.alloc(6 * 2048, 'n'))).toBe(true);
  });

  it('a body that fails midway leaves no object and no temporary file', async () => {
    await expect(store.putObject({ bucket: 'b', key: 'broken', content: slowBody(8, 1024, 5, 'x', 3), metadata: {} })).rejects.toThrow('client went away');
    expect(await store.existsObject('b', 'broken')).toBe(false);
    expect(await readdir(join(root, 'data.tmp'))).toEqual([]);
  });
});
