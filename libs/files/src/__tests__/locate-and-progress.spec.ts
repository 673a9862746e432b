import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findInRoots } from '../locate-file';
import { progressLogger } from '../progress';

describe('findInRoots', () => {
  it('returns the file from the first root holding it, skipping missing roots and folders of the same name', async () => {
    const base = mkdtempSync(join(tmpdir(), 'roots-'));
    const [a, b, c] = ['a', 'b', 'c'].map((n) => join(base, n));
    mkdirSync(join(a, 'arc'), { recursive: true });
    mkdirSync(join(b, 'arc', 'x.jsonl'), { recursive: true }); // a folder, not the file
    mkdirSync(join(c, 'arc'), { recursive: true });
    writeFileSync(join(c, 'arc', 'x.jsonl'), 'c');
    writeFileSync(join(c, 'y'), 'c');
    writeFileSync(join(a, 'y'), 'a');
    const roots = [join(base, 'missing'), a, b, c];
    expect(await findInRoots(roots, 'arc/x.jsonl')).toBe(join(c, 'arc', 'x.jsonl'));
    expect(await findInRoots(roots, 'y')).toBe(join(a, 'y'));
    expect(await findInRoots(roots, 'z')).toBeUndefined();
    expect(await findInRoots([], join(c, 'y'))).toBe(join(c, 'y'));
  });
});

describe('progressLogger', () => {
  it('logs a download in a few lines: start, each quarter, done', () => {
    const lines: string[] = [];
    const log = progressLogger((l) => lines.push(l));
    const total = 100 * 1024 * 1024;
    log({ uri: 'hf://o/r/m.gguf', phase: 'start', receivedBytes: 0, totalBytes: total });
    for (let got = 65536; got <= total; got += 65536) log({ uri: 'hf://o/r/m.gguf', phase: 'data', receivedBytes: got, totalBytes: total });
    log({ uri: 'hf://o/r/m.gguf', phase: 'done', receivedBytes: total, totalBytes: total });
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('downloading hf://o/r/m.gguf (100.0 MB)');
    expect(lines.slice(1, 4)).toEqual(['25 %', '50 %', '75 %'].map((p, i) => `downloading hf://o/r/m.gguf: ${25 * (i + 1)}.0 MB of 100.0 MB (${p})`));
    expect(lines[4]).toMatch(/^downloaded hf:\/\/o\/r\/m\.gguf: 100\.0 MB in [\d.]+ s \([\d.]+ MB\/s\)$/);
  });
});
