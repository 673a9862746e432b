/**
 * Real processes, no mocks: every attack below is actually attempted by a Python program. The attacks
 * carry their own guards (fork and allocation caps) so that a broken sandbox fails the test instead of
 * taking the machine down.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodeExecutor } from '@app/benchmarks';
import { CodeSandbox, parseRunnerStatus, SandboxUnavailableError, type CodeSandboxOptions, type SandboxDriverName } from './index';

jest.setTimeout(120_000);

const isRoot = process.getuid?.() === 0;
const quietLogger = { log: () => undefined, warn: () => undefined };

/** Processes whose real uid is in [lo, hi]. */
function processesOfUids(lo: number, hi: number): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m && Number(m[1]) >= lo && Number(m[1]) <= hi) pids.push(Number(p));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

/** Processes running the sandbox runner (its source is on their command line). */
function runnerProcesses(): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('_densebench_run')) pids.push(Number(p));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

function processCount(): number {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).length;
}

async function eventually(check: () => boolean, ms = 10_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

// HumanEval/0 (openai_humaneval), assembled as human-eval does:
// prompt + completion + "\n" + test + "\n" + f"check({entry_point})".
const HE_PROMPT = `from typing import List


def has_close_elements(numbers: List[float], threshold: float) -> bool:
    """ Check if in given list of numbers, are any two numbers closer to each other than
    given threshold.
    >>> has_close_elements([1.0, 2.0, 3.0], 0.5)
    False
    >>> has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3)
    True
    """
`;
const HE_CORRECT = `    for idx, elem in enumerate(numbers):
        for idx2, elem2 in enumerate(numbers):
            if idx != idx2:
                distance = abs(elem - elem2)
                if distance < threshold:
                    return True

    return False
`;
const HE_WRONG = `    return False
`;
const HE_TEST = `

METADATA = {
    'author': 'jt',
    'dataset': 'test'
}


def check(candidate):
    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True
    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.05) == False
    assert candidate([1.0, 2.0, 5.9, 4.0, 5.0], 0.95) == True
    assert candidate([1.0, 2.0, 5.9, 4.0, 5.0], 0.8) == False
    assert candidate([1.0, 2.0, 3.0, 4.0, 5.0, 2.0], 0.1) == True
    assert candidate([1.1, 2.2, 3.1, 4.1, 5.1], 1.0) == True
    assert candidate([1.1, 2.2, 3.1, 4.1, 5.1], 0.5) == False

`;
const humanEvalProgram = (completion: string) => `${HE_PROMPT}${completion}\n${HE_TEST}\ncheck(has_close_elements)`;

// Every installed isolation driver is attacked explicitly (a driver that is installed but does not work
// here fails its suite loudly instead of being skipped).
const cases: Array<{ name: string; driver: SandboxDriverName }> = [];
if (existsSync('/usr/bin/bwrap')) cases.push({ name: 'bubblewrap', driver: 'bubblewrap' });
if (existsSync('/usr/bin/firejail')) cases.push({ name: 'firejail', driver: 'firejail' });
if (cases.length === 0) cases.push({ name: 'bubblewrap (not installed: install the Debian package bubblewrap)', driver: 'bubblewrap' });

describe('CodeSandbox driver detection', () => {
  it('auto picks the best working driver and says which and why', async () => {
    const auto = new CodeSandbox({ logger: quietLogger });
    const d = await auto.init();
    console.log(`[sandbox spec] auto-detected driver=${d.driver}: ${d.reason}`);
    expect(d.isolated).toBe(true);
    const bwrapWorks = await new CodeSandbox({ driver: 'bubblewrap', logger: quietLogger }).init().then(
      () => true,
      () => false,
    );
    if (bwrapWorks) expect(d.driver).toBe('bubblewrap');
    expect(auto.describe()).toBe(d);
    expect(d.probes.find((p) => p.driver === d.driver)?.ok).toBe(true);
  });
});

describe.each(cases)('CodeSandbox attacks ($name)', ({ driver }) => {
  let sandbox: CodeSandbox;
  let workRoot: string;
  const concurrency = 2;
  // A uid range nobody else uses, so "no process of these uids is left" is a precise check.
  const uidBase = 3_000_000 + (process.pid % 4096) * 256 + (driver === 'bubblewrap' ? 0 : 128);

  beforeAll(async () => {
    workRoot = mkdtempSync(join(tmpdir(), 'densebench-sandbox-spec-'));
    const options: CodeSandboxOptions = { driver, concurrency, workRoot, uidBase, logger: quietLogger };
    sandbox = new CodeSandbox(options);
    const d = await sandbox.init();
    // Record in the test output which isolation was used.
    console.log(`[sandbox spec] driver=${d.driver} isolated=${d.isolated}\n  ${d.summary}\n  reason: ${d.reason}\n  processes: ${d.mechanisms.processes}`);
    expect(d.isolated).toBe(true);
  });

  afterAll(() => {
    rmSync(workRoot, { recursive: true, force: true });
  });

  it('is a CodeExecutor for the HumanEval/MBPP scorer', async () => {
    const executor: CodeExecutor = sandbox;
    const r = await executor.run('print("ok")', { timeoutMs: 3000 });
    expect(r).toMatchObject({ passed: true, result: 'passed' });
  });

  it('(7) passes a correct HumanEval program and fails a wrong one with the assertion as the reason', async () => {
    const ok = await sandbox.run(humanEvalProgram(HE_CORRECT), { timeoutMs: 3000 });
    expect(ok).toMatchObject({ passed: true, result: 'passed', exitCode: 0 });
    const bad = await sandbox.run(humanEvalProgram(HE_WRONG), { timeoutMs: 3000 });
    expect(bad.passed).toBe(false);
    expect(bad.result).toBe('failed: AssertionError');
    expect(bad.stderr).toContain('assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True');
    expect(bad.limitHit).toBeUndefined();
    // A completion that exits early must not skip the tests (human-eval counts SystemExit as a failure).
    const exits = await sandbox.run(`${HE_PROMPT}    import sys; sys.exit(0)\n${HE_TEST}\ncheck(has_close_elements)`);
    expect(exits).toMatchObject({ passed: false, result: 'failed: SystemExit: 0' });
    const hardExit = await sandbox.run('import os\nos._exit(0)');
    expect(hardExit.passed).toBe(false);
    expect(hardExit.result).toMatch(/^failed: /);
  });

  it('(1) blocks network: a connection to a port the test listens on never arrives', async () => {
    const connections: Socket[] = [];
    const server: Server = createServer((s) => {
      connections.push(s);
      s.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const hostIps = Object.values(networkInterfaces())
        .flat()
        .filter((i) => i && i.family === 'IPv4' && !i.internal)
        .map((i) => i!.address);
      const program = [
        'import socket',
        `for host in ${JSON.stringify(hostIps)}:`,
        '    try:',
        `        socket.create_connection((host, ${port}), timeout=2).sendall(b"leak")`,
        '        print("CONNECTED", host)',
        '    except OSError as e:',
        '        print("blocked", host, e)',
        `s = socket.create_connection(("127.0.0.1", ${port}), timeout=2)`,
        's.sendall(b"leak")',
      ].join('\n');
      const r = await sandbox.run(program, { timeoutMs: 10_000 });
      expect(r.passed).toBe(false);
      expect(r.result).toMatch(/^failed: (ConnectionRefusedError|OSError|TimeoutError)/);
      expect(r.stdout).not.toContain('CONNECTED');
      await new Promise((res) => setTimeout(res, 200));
      expect(connections).toHaveLength(0);

      // Control: the same connection from an unsandboxed process does arrive, so the check above can fail.
      spawnSync('python3', ['-c', `import socket; socket.create_connection(("127.0.0.1", ${port}), timeout=2)`], { timeout: 10_000 });
      expect(await eventually(() => connections.length > 0, 3000)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('(2) nothing outside its own folder is writable, and its folder is gone afterwards', async () => {
    const tag = randomBytes(6).toString('hex');
    const targets = [
      `/tmp/pwned-${tag}`,
      `/root/pwned-${tag}`,
      `/var/tmp/pwned-${tag}`,
      `/dev/shm/pwned-${tag}`,
      join(workRoot, `pwned-${tag}`),
      join(process.cwd(), `pwned-${tag}`),
      join(tmpdir(), `pwned-${tag}`),
    ];
    const program = [
      'import os',
      `for p in ${JSON.stringify(targets)}:`,
      '    try:',
      '        with open(p, "w") as f: f.write("pwned")',
      '        print("wrote", p)',
      '    except OSError as e:',
      '        print("refused", p, e)',
      'with open("mine.txt", "w") as f: f.write("own folder is writable")',
      'print(open("mine.txt").read())',
    ].join('\n');
    try {
      const r = await sandbox.run(program);
      expect(r.stdout).toContain('own folder is writable');
      expect(r.passed).toBe(true);
      for (const t of targets) expect(existsSync(t)).toBe(false);
      expect(readdirSync(workRoot)).toEqual([]);
    } finally {
      for (const t of targets) rmSync(t, { force: true });
    }
  });

  it('(3) stops a fork bomb well before its own cap and leaves no process behind', async () => {
    const before = processCount();
    // Guarded: at most 500 forks, children exit on their own after 20 s.
    const program = [
      'import os, sys, time',
      'n = 0',
      'try:',
      '    for i in range(500):',
      '        if os.fork() == 0:',
      '            time.sleep(20)',
      '            os._exit(0)',
      '        n += 1',
      'finally:',
      '    sys.stderr.write("forked %d\\n" % n)',
    ].join('\n');
    const r = await sandbox.run(program, { timeoutMs: 10_000, maxProcesses: 16 });
    const forked = Number(/forked (\d+)/.exec(r.stderr)?.[1] ?? 'NaN');
    console.log(`[sandbox spec] fork bomb: forked=${forked} result=${r.result} limitHit=${r.limitHit} in ${r.durationMs} ms`);
    expect(r.passed).toBe(false);
    expect(r.limitHit).toBe('processes');
    expect(r.result).toMatch(/^failed: BlockingIOError/);
    expect(forked).toBeLessThanOrEqual(16);
    const gone = isRoot
      ? await eventually(() => processesOfUids(uidBase, uidBase + concurrency - 1).length === 0)
      : await eventually(() => runnerProcesses().length === 0);
    expect(gone).toBe(true);
    expect(await eventually(() => processCount() <= before + 20)).toBe(true);
  });

  it('(4) stops a program that allocates without end (memory)', async () => {
    // Guarded: gives up (and passes, failing the test) after 3 GiB.
    const program = [
      'chunks = []',
      'for i in range(3 * 1024):',
      '    chunks.append(bytearray(1024 * 1024))',
      'print("allocated 3 GiB without a MemoryError")',
    ].join('\n');
    const r = await sandbox.run(program, { timeoutMs: 20_000, memoryBytes: 256 * 1024 * 1024 });
    expect(r.passed).toBe(false);
    expect(r.limitHit).toBe('memory');
    expect(r.result).toBe('failed: MemoryError');
  });

  it('(5) times out an endless loop within the timeout plus a small slack, and cleans up after the kill', async () => {
    const r = await sandbox.run('while True:\n    pass', { timeoutMs: 1500 });
    expect(r).toMatchObject({ passed: false, result: 'timed out', limitHit: 'time', signal: 'SIGKILL' });
    expect(r.durationMs).toBeGreaterThanOrEqual(1500);
    expect(r.durationMs).toBeLessThan(1500 + 1500); // sandbox start-up is outside the timeout
    expect(readdirSync(workRoot)).toEqual([]);
  });

  it('(5b) CPU limit: a busy loop is stopped by RLIMIT_CPU before a long wall timeout', async () => {
    const r = await sandbox.run('while True:\n    pass', { timeoutMs: 20_000, cpuSeconds: 1 });
    expect(r).toMatchObject({ passed: false, result: 'timed out', limitHit: 'cpu', signal: 'SIGXCPU' });
    expect(r.durationMs).toBeLessThan(5000);
  });

  it('(6) kills a program that prints without end at the output cap', async () => {
    const r = await sandbox.run('while True:\n    print("x" * 1000)', { timeoutMs: 10_000, maxOutputBytes: 100_000 });
    expect(r.passed).toBe(false);
    expect(r.limitHit).toBe('output');
    expect(r.result).toMatch(/^failed: output limit exceeded/);
    expect(r.stdout.length).toBeLessThanOrEqual(100_000 + 512);
    expect(r.stdoutTruncated).toBe(true);
    expect(r.durationMs).toBeLessThan(5000);
  });

  it('(9) host environment variables are not visible inside', async () => {
    const secret = `sk-densebench-${randomBytes(8).toString('hex')}`;
    process.env.DENSEBENCH_SANDBOX_SPEC_SECRET = secret;
    try {
      const program = [
        'import os, glob, json',
        `secret = ${JSON.stringify(secret)}.encode()`,
        'leaks = [k for k, v in os.environ.items() if secret in v.encode() or "DENSEBENCH" in k]',
        'for p in glob.glob("/proc/*/environ"):',
        '    try:',
        '        if secret in open(p, "rb").read(): leaks.append(p)',
        '    except OSError:',
        '        pass',
        'print(json.dumps(sorted(os.environ)))',
        'assert not leaks, leaks',
      ].join('\n');
      const r = await sandbox.run(program);
      expect(r.result).toBe('passed');
      const keys = JSON.parse(r.stdout.trim().split('\n').pop() as string) as string[];
      expect(keys).not.toContain('DENSEBENCH_SANDBOX_SPEC_SECRET');
      expect(keys).not.toContain('PYENV_ROOT');
      expect(keys).not.toContain('NODE_OPTIONS');
    } finally {
      delete process.env.DENSEBENCH_SANDBOX_SPEC_SECRET;
    }
  });

  it('runs at most `concurrency` programs at a time', async () => {
    let maxBusy = 0;
    const sampler = setInterval(() => (maxBusy = Math.max(maxBusy, sandbox.busy)), 10);
    const started = Date.now();
    try {
      const results = await Promise.all(Array.from({ length: 5 }, () => sandbox.run('import time\ntime.sleep(0.6)')));
      expect(results.every((r) => r.passed)).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    const elapsed = Date.now() - started;
    expect(maxBusy).toBe(concurrency);
    expect(elapsed).toBeGreaterThanOrEqual(3 * 600); // 5 runs, 2 at a time: 3 waves
    expect(elapsed).toBeLessThan(5 * 600 + 3000); // and not one after the other
  });
});

describe('CodeSandbox without isolation', () => {
  const missing = { bwrapPath: '/nonexistent/bwrap', firejailPath: '/nonexistent/firejail', logger: quietLogger };

  it('(8) refuses the none driver unless allowUnsafe', async () => {
    const refused = new CodeSandbox({ driver: 'none', logger: quietLogger });
    await expect(refused.init()).rejects.toBeInstanceOf(SandboxUnavailableError);
    await expect(refused.run('print(1)')).rejects.toThrow(/allowUnsafe/);

    // auto with no isolation available is refused too, and says what it tried.
    const auto = new CodeSandbox({ ...missing });
    await expect(auto.init()).rejects.toThrow(/bubblewrap: bwrap not installed.*firejail: firejail not installed.*allowUnsafe/);
    await expect(auto.run('print(1)')).rejects.toBeInstanceOf(SandboxUnavailableError);
  });

  it('(8) runs without isolation only when the operator allows it, and says so', async () => {
    const unsafe = new CodeSandbox({ ...missing, allowUnsafe: true, concurrency: 1 });
    const d = await unsafe.init();
    console.log(`[sandbox spec] driver=${d.driver} isolated=${d.isolated}: ${d.summary}`);
    expect(d).toMatchObject({ driver: 'none', isolated: false });
    expect(d.summary).toMatch(/NO ISOLATION/);
    expect(d.mechanisms.network).toMatch(/NOT isolated/);
    const r = await unsafe.run(humanEvalProgram(HE_CORRECT));
    expect(r).toMatchObject({ passed: true, result: 'passed', driver: 'none' });
    const t = await unsafe.run('while True:\n    pass', { timeoutMs: 1000 });
    expect(t).toMatchObject({ passed: false, result: 'timed out', limitHit: 'time' });
  });
});

describe('parseRunnerStatus', () => {
  const nonce = 'abc123';
  it('reads the outcome and strips the status lines from stderr', () => {
    const err = `\n${nonce} started\nwarning: x\nTraceback ...\nAssertionError: bad\n\n${nonce} failed ["AssertionError", "bad"]\n`;
    const { status, cleanedHead } = parseRunnerStatus(err, err, nonce);
    expect(status).toEqual({ started: true, outcome: { kind: 'failed', errorType: 'AssertionError', message: 'bad' } });
    expect(cleanedHead).toBe('warning: x\nTraceback ...\nAssertionError: bad\n');
  });
  it('does not take a program printing "passed" for the runner', () => {
    const err = `\n${nonce} started\npassed\nother passed\n`;
    expect(parseRunnerStatus(err, err, nonce).status).toEqual({ started: true, outcome: undefined });
    expect(parseRunnerStatus('', '', nonce).status).toEqual({ started: false, outcome: undefined });
  });
});
