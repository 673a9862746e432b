import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { othersCanReach, rootDataDirFor } from './reach';

// As root, embedded Postgres runs as a "postgres" user that must pass through every folder above
// its data: under a home of mode 700 (Debian's /root) it cannot.
describe('othersCanReach', () => {
  const base = mkdtempSync(join(tmpdir(), 'reach-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  chmodSync(base, 0o755);

  it('is true when every folder above lets others through', () => {
    mkdirSync(join(base, 'open', 'home'), { recursive: true, mode: 0o755 });
    expect(othersCanReach(join(base, 'open', 'home', 'pgdata'))).toBe(true);
  });

  it('is false under a folder of mode 700, however open the folders below it are', () => {
    mkdirSync(join(base, 'closed', 'inside'), { recursive: true });
    chmodSync(join(base, 'closed'), 0o700);
    chmodSync(join(base, 'closed', 'inside'), 0o755);
    expect(othersCanReach(join(base, 'closed', 'inside', 'pgdata'))).toBe(false);
  });

  it('judges folders that do not exist yet by the ones that do', () => {
    expect(othersCanReach(join(base, 'open', 'not', 'yet', 'pgdata'))).toBe(true);
  });

  it("gives each unreachable home a database folder of its own under /var/lib/densebench/postgres", () => {
    expect(rootDataDirFor('/root/.densebench/postgres')).toBe('/var/lib/densebench/postgres/root/.densebench/postgres');
    expect(rootDataDirFor('/tmp/fresh-1/home/.densebench/postgres')).toBe('/var/lib/densebench/postgres/tmp/fresh-1/home/.densebench/postgres');
  });
});
