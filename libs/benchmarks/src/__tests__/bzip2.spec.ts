import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bunzip2, hasSystemBzip2 } from '../data/bzip2';
import { DATA_DIR } from './data-dir';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const compress = (text: string) => spawnSync('bzip2', ['-c'], { input: Buffer.from(text) }).stdout;

describe('bzip2 decompression: the system program and unbzip2-stream agree', () => {
  // .ci/run installs bzip2; the product falls back to unbzip2-stream without it.
  it('finds the bzip2 program', () => {
    expect(hasSystemBzip2()).toBe(true);
  });

  it('decodes the same bytes both ways: a small text, a multi-stream file, and the real HellaSwag file', async () => {
    const small = compress('héllo\nworld\n');
    const twoStreams = Buffer.concat([compress('a\n'), compress('b\n')]);
    for (const engine of ['system', 'js'] as const) {
      expect((await bunzip2(small, engine)).toString('utf8')).toBe('héllo\nworld\n');
      expect((await bunzip2(twoStreams, engine)).toString('utf8')).toBe('a\nb\n');
    }
    const hellaswag = readFileSync(join(DATA_DIR, 'hellaswag', 'hellaswag_val_full.txt.bz2'));
    const [sys, js] = [await bunzip2(hellaswag, 'system'), await bunzip2(hellaswag, 'js')];
    expect(sys.length).toBeGreaterThan(7_000_000);
    expect(sha256(sys)).toBe(sha256(js));
  });

  it('rejects corrupt and truncated data both ways, with the decoder\'s message', async () => {
    const garbage = Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(40, 7)]);
    const good = compress('some text that is long enough to be cut in the middle\n'.repeat(50));
    const truncated = good.subarray(0, good.length - 20);
    for (const engine of ['system', 'js'] as const) {
      for (const bad of [garbage, truncated]) {
        const err = await bunzip2(bad, engine).then(
          () => null,
          (e: Error) => e,
        );
        expect([engine, err instanceof Error && err.message.length > 0]).toEqual([engine, true]);
      }
    }
  });
});
