import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processesUnder, REPO_ROOT, waitFor } from '@app/testing';

/** A process of the stack that is still alive: its pid is there and not a zombie. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stopping `densebench up` with SIGTERM, as process managers and `timeout` do: sent to `up` itself, and sent
 * to the npx wrapper (npm hands the signal to the shell it ran the command in, not to densebench).
 * Every service stops, nothing is left running, nothing is logged as an error.
 */
describe('stopping the stack with SIGTERM', () => {
  const home = mkdtempSync(join(tmpdir(), 'cli-stop-'));
  let child: ChildProcess | null = null;

  afterEach(() => {
    // A failed test must not leave a stack behind: its whole process group goes (the leader may be gone already).
    if (!child?.pid) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* nothing left in the group */
    }
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  /** Starts `cmd args` in a process group of its own, waits for the stack; the output so far and how it ends. */
  async function startUp(cmd: string, args: string[], cwd: string, upHome: string) {
    child = spawn(cmd, args, {
      cwd,
      detached: true,
      env: { PATH: process.env.PATH, HOME: home, DENSEBENCH_HOME: upHome, API_PORT: '0', DENSEBENCH_BUILTIN_REFERENCES: 'none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = { text: '' };
    child.stdout!.on('data', (d: Buffer) => (out.text += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out.text += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null))));
    await waitFor(async () => (/densebench is up: API (http:\/\/\S+)/.test(out.text) ? true : undefined), 'densebench up to start', 120_000, 200);
    const apiUrl = /densebench is up: API (http:\/\/\S+)/.exec(out.text)![1];
    return { out, exited, apiUrl };
  }

  async function expectAllStopped(upHome: string, apiUrl: string, out: { text: string }) {
    await waitFor(async () => (processesUnder(upHome).length === 0 ? true : undefined), 'every process of the stack to stop', 60_000, 250);
    await expect(fetch(`${apiUrl}/health/live`)).rejects.toThrow();
    expect(out.text).not.toMatch(/ERROR|Error:|the database system is shutting down/);
  }

  it('SIGTERM to `up` stops the workers, results, api, S3, redis-server and Postgres, and exits 143', async () => {
    const upHome = join(home, 'direct');
    const { out, exited, apiUrl } = await startUp(process.execPath, [join(REPO_ROOT, 'bin', 'densebench.js'), 'up', '--quiet'], REPO_ROOT, upHome);
    expect(processesUnder(upHome).some((p) => /postgres/.test(p))).toBe(true);
    child!.kill('SIGTERM');
    expect(await exited).toBe(143);
    await expectAllStopped(upHome, apiUrl, out);
  });

  it('SIGTERM to the `npx densebench up` wrapper stops the whole stack too', async () => {
    // A project that has densebench installed (linked to this checkout), as npx finds it.
    const project = join(home, 'project');
    mkdirSync(join(project, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'uses-densebench', private: true, dependencies: { densebench: `file:${REPO_ROOT}` } }));
    symlinkSync(REPO_ROOT, join(project, 'node_modules', 'densebench'));
    symlinkSync(join('..', 'densebench', 'bin', 'densebench.js'), join(project, 'node_modules', '.bin', 'densebench'));
    const upHome = join(home, 'npx');
    const { out, exited, apiUrl } = await startUp('npx', ['densebench', 'up', '--quiet'], project, upHome);
    const npx = child!.pid!;
    child!.kill('SIGTERM'); // the wrapper only, not its process group
    await exited;
    await expectAllStopped(upHome, apiUrl, out);
    expect(alive(npx)).toBe(false);
  });
});
