import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { kitDir } from '@app/config';

const KIT = kitDir();

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('the demo kit (infra/embedded/kit)', () => {
  it('holds exactly the files SOURCES.md lists, with their sizes and sha256, and stays small', () => {
    const rows = readFileSync(join(KIT, 'SOURCES.md'), 'utf8')
      .split('\n')
      .map((l) => /^\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \| ([^|]+) \| `([0-9a-f]{40})` \| `([^`]+)` \| ([^|]+) \|$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    const listed = rows.map((m) => m[1]).sort();
    const present = filesUnder(KIT)
      .map((f) => relative(KIT, f))
      .filter((f) => f !== 'SOURCES.md')
      .sort();
    expect(listed).toEqual(present);
    expect(present).toEqual(expect.arrayContaining(['models/stories260K.gguf', 'data/arc/arc_easy_test.llmfoundry.jsonl']));
    for (const [, file, bytes, sha256] of rows) {
      const content = readFileSync(join(KIT, file));
      expect({ file, bytes: content.length, sha256: createHash('sha256').update(content).digest('hex') }).toEqual({ file, bytes: Number(bytes), sha256 });
    }
    const total = present.reduce((a, f) => a + statSync(join(KIT, f)).size, 0);
    expect(total).toBeLessThan(4 * 1024 * 1024);
  });
});
