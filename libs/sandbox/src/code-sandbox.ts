import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSandbox } from './description';
import { launchSpec, type SandboxTools } from './drivers';
import { SandboxUnavailableError } from './errors';
import { classify } from './outcome';
import { killLeftovers, resolveLimits, spawnAndWait } from './process-launch';
import { SlotPool } from './semaphore';
import { findTools } from './tool-discovery';
import type { CodeSandboxOptions, SandboxDescription, SandboxDriverName, SandboxLimits, SandboxLogger, SandboxProbe, SandboxRunOptions, SandboxRunResult } from './types';

export { SandboxRunError, SandboxUnavailableError } from './errors';

export const DEFAULT_SANDBOX_LIMITS: Omit<SandboxLimits, 'cpuSeconds'> = {
  timeoutMs: 3000,
  memoryBytes: 1024 * 1024 * 1024,
  maxProcesses: 32,
  maxOutputBytes: 1024 * 1024,
  diskBytes: 32 * 1024 * 1024,
};

const PROBE_PROGRAM = [
  'import json, os, socket',
  'names = sorted(n for _, n in socket.if_nameindex())',
  'print("DENSEBENCH_PROBE " + json.dumps({"uid": os.getuid(), "interfaces": names, "cwd": os.getcwd()}))',
].join('\n');

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
    const limits = resolveLimits(opts, this.defaults);
    return this.pool.use((slot) => this.execute(this.driver as SandboxDriverName, program, limits, slot));
  }

  /** Runs in progress (for metrics). */
  get busy(): number {
    return this.pool.busy;
  }

  private async detect(): Promise<SandboxDescription> {
    const requested = this.options.driver ?? 'auto';
    const allowUnsafe = this.options.allowUnsafe === true;
    if (requested === 'none' && !allowUnsafe) {
      throw new SandboxUnavailableError(
        'the "none" sandbox driver runs model-written code without isolation and is refused unless allowUnsafe is set (DENSEBENCH_ALLOW_UNSAFE_CODE=1)',
      );
    }
    const tools = findTools(this.options);
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
    this.description = describeSandbox(chosen, tools, probes, requested, resolveLimits({}, this.defaults), { size: this.pool.size, uidBase: this.uidBase });
    if (chosen === 'none') this.logger.warn(this.description.summary);
    else this.logger.log(this.description.summary);
    return this.description;
  }

  private async probe(driver: SandboxDriverName, tools: SandboxTools): Promise<SandboxProbe> {
    if (driver === 'bubblewrap' && !tools.bwrap) return { driver, ok: false, detail: 'bwrap not installed (Debian package bubblewrap)' };
    if (driver === 'firejail' && !tools.firejail) return { driver, ok: false, detail: 'firejail not installed (Debian package firejail)' };
    try {
      const limits = resolveLimits({ timeoutMs: 15_000 }, this.defaults);
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
      const raw = await spawnAndWait(spec, limits, `\n${nonce} started\n`, this.options.captureBytes);
      if (driver === 'none' && tools.isRoot) killLeftovers(uid);
      return classify(driver, raw, nonce, limits);
    } finally {
      if (dir) {
        await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch((err) =>
          this.logger.warn(`could not remove sandbox folder ${dir}: ${(err as Error).message}`),
        );
      }
    }
  }

}
