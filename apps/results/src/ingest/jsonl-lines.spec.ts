import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { copyBatches, gunzipped } from './jsonl-lines';

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const x of it) out.push(x);
  return out;
}
const texts = (...chunks: string[]) => Readable.from(chunks);

describe('copyBatches', () => {
  it('maps lines split across chunks, skipping blank ones, LF or CRLF, last line without a line end', async () => {
    const batches = await collect(copyBatches(texts('{"a":1}\r\n{"a"', ':2}\n\n  \n{"a":3}'), (l) => `${JSON.parse(l).a}\n`));
    expect(batches.join('')).toBe('1\n2\n3\n');
  });

  it('joins rows into batches of about batchChars', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}\n`);
    const batches = await collect(copyBatches(texts(...lines), (l) => `${l}|`, 20));
    expect(batches.join('')).toBe(lines.map((l) => `${l.trim()}|`).join(''));
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.length).toBeLessThan(10);
  });

  it('stops at the first line toRow rejects', async () => {
    const err = await collect(copyBatches(texts('ok\nbad\nok\n'), (l) => {
      if (l === 'bad') throw new Error('bad line');
      return l;
    })).catch((e: Error) => e);
    expect((err as Error).message).toBe('bad line');
  });
});

describe('gunzipped', () => {
  it('is the text of a gzipped body, multi-byte characters intact across chunks', async () => {
    const text = 'héllo wörld ✓\n'.repeat(10_000);
    const gz = gzipSync(text);
    const body = Readable.from([gz.subarray(0, 7), gz.subarray(7, 1000), gz.subarray(1000)]);
    expect((await collect(gunzipped(body))).join('')).toBe(text);
  });

  it('fails with the error of the body', async () => {
    const body = new Readable({ read() { this.destroy(new Error('connection reset')); } });
    await expect(collect(gunzipped(body))).rejects.toThrow('connection reset');
  });
});
