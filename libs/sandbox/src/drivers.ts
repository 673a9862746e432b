import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { PYTHON_RUNNER } from './python-runner';
import type { SandboxDriverName, SandboxLimits } from './types';

/** Host binaries and facts the drivers need, found once at start. */
export interface SandboxTools {
  python: string;
  /** Host folders outside /usr that the interpreter needs (e.g. a pyenv or conda prefix), bound read-only. */
  pythonBinds: string[];
  prlimit: string;
  /** Needed only as root, to drop to the run's unprivileged uid. */
  setpriv?: string;
  bwrap?: string;
  bwrapDisableUserns: boolean;
  firejail?: string;
  isRoot: boolean;
  /** Home folder firejail mounts the private folder on (root: /root). */
  firejailHome: string;
}

/** One run as the driver sees it. */
export interface LaunchContext {
  /** Host throwaway folder of the run (holds main.py); unused by bubblewrap, whose folder is a tmpfs. */
  dir: string;
  program: string;
  nonce: string;
  limits: SandboxLimits;
  /** Host uid/gid the program runs as (root: an unprivileged per-slot uid; otherwise our own). */
  uid: number;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Written to the launcher's fd 3 (bubblewrap copies the program from there into the sandbox). */
  fd3Data?: string;
  /** Whether the driver reads the program from the host folder (`dir`/main.py). */
  usesHostDir: boolean;
}

/** bubblewrap gets the program through this fd: no host path has to be reachable by the sandbox uid. */
export const PROGRAM_FD = 3;

/** Working directory of the program inside bubblewrap. */
export const BWRAP_WORKDIR = '/sandbox';
/** uid/gid the program sees inside bubblewrap (nobody). */
export const BWRAP_INNER_ID = 65534;

/** The only environment a program sees; nothing of the host's leaks in. */
export function sandboxEnv(home: string): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PYTHONIOENCODING: 'utf-8',
    PYTHONDONTWRITEBYTECODE: '1',
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
  };
}

/** Host environment of the launcher process itself (bwrap/firejail/setpriv): PATH only. */
const LAUNCHER_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };

/**
 * `prlimit ... -- python -I -B -c RUNNER <program> <nonce>`: the rlimits are set by prlimit right before
 * it execs the interpreter, i.e. inside the sandbox (for bubblewrap: inside its user namespace, where
 * RLIMIT_NPROC counts only the sandbox's own tasks).
 */
function limitedPython(tools: SandboxTools, ctx: LaunchContext, programPath: string, extraTasks: number): string[] {
  const l = ctx.limits;
  const cpu = Math.max(1, Math.ceil(l.cpuSeconds));
  return [
    tools.prlimit,
    `--as=${Math.floor(l.memoryBytes)}`,
    `--cpu=${cpu}:${cpu + 1}`,
    `--nproc=${Math.max(1, Math.floor(l.maxProcesses)) + extraTasks}`,
    `--fsize=${Math.floor(l.diskBytes)}`,
    '--core=0',
    '--nofile=256',
    '--',
    tools.python,
    '-I',
    '-B',
    '-c',
    PYTHON_RUNNER,
    programPath,
    ctx.nonce,
  ];
}

/** `setpriv` to the run's uid when we are root (no groups, no_new_privs); nothing otherwise. */
function dropPrivileges(tools: SandboxTools, ctx: LaunchContext): string[] {
  if (!tools.isRoot) return [];
  if (!tools.setpriv) throw new Error('setpriv (util-linux) is required to drop root privileges');
  if (!(ctx.uid > 0)) throw new Error(`refusing to run a sandbox as uid ${ctx.uid}`);
  return [tools.setpriv, `--reuid=${ctx.uid}`, `--regid=${ctx.uid}`, '--clear-groups', '--nnp', '--'];
}

/** bind arguments for /bin, /sbin, /lib* : symlinks stay symlinks (merged /usr), folders are bound read-only. */
function topLevelSystemDirs(): string[] {
  const args: string[] = [];
  for (const p of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    try {
      const st = lstatSync(p);
      if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(p), p);
      else if (st.isDirectory()) args.push('--ro-bind', p, p);
    } catch {
      /* absent on this machine */
    }
  }
  return args;
}

/** The few /etc files a Python interpreter uses (dynamic linker cache, locale/time, users, Debian's site config). */
function etcFiles(): string[] {
  const names = ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'alternatives', 'passwd', 'group', 'nsswitch.conf'];
  try {
    for (const n of readdirSync('/etc')) if (/^python3(\.\d+)?$/.test(n)) names.push(n);
  } catch {
    /* no /etc listing: keep the defaults */
  }
  return names.flatMap((n) => ['--ro-bind-try', `/etc/${n}`, `/etc/${n}`]);
}

function bubblewrap(tools: SandboxTools, ctx: LaunchContext): LaunchSpec {
  if (!tools.bwrap) throw new Error('bwrap not found');
  const size = String(Math.floor(ctx.limits.diskBytes));
  const env = sandboxEnv(BWRAP_WORKDIR);
  const argv = [
    ...dropPrivileges(tools, ctx),
    tools.bwrap,
    '--unshare-user',
    '--unshare-ipc',
    '--unshare-pid',
    '--unshare-net',
    '--unshare-uts',
    '--unshare-cgroup-try',
    ...(tools.bwrapDisableUserns ? ['--disable-userns'] : []),
    '--die-with-parent',
    '--new-session',
    // The program is PID 1 of its namespace (no bwrap reaper): the outer bwrap then reaps it, while
    // with bwrap's reaper the reaper is orphaned to the host's PID 1 — a zombie per run in a container
    // whose PID 1 (node) does not reap. When PID 1 exits, the kernel kills the rest of the namespace.
    '--as-pid-1',
    '--cap-drop',
    'ALL',
    '--uid',
    String(BWRAP_INNER_ID),
    '--gid',
    String(BWRAP_INNER_ID),
    '--hostname',
    'sandbox',
    '--clearenv',
    ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]),
    '--ro-bind',
    '/usr',
    '/usr',
    ...topLevelSystemDirs(),
    ...etcFiles(),
    ...tools.pythonBinds.flatMap((p) => ['--ro-bind', p, p]),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--perms',
    '1777',
    '--size',
    size,
    '--tmpfs',
    '/dev/shm',
    '--perms',
    '1777',
    '--size',
    size,
    '--tmpfs',
    '/tmp',
    '--perms',
    '0755',
    '--size',
    size,
    '--tmpfs',
    BWRAP_WORKDIR,
    '--perms',
    '0444',
    '--ro-bind-data',
    String(PROGRAM_FD),
    `${BWRAP_WORKDIR}/main.py`,
    '--chdir',
    BWRAP_WORKDIR,
    '--remount-ro',
    '/dev',
    '--remount-ro',
    '/',
    '--',
    ...limitedPython(tools, ctx, `${BWRAP_WORKDIR}/main.py`, 0),
  ];
  return { command: argv[0], args: argv.slice(1), env: { ...LAUNCHER_ENV }, cwd: '/', fd3Data: ctx.program, usesHostDir: false };
}

function firejail(tools: SandboxTools, ctx: LaunchContext): LaunchSpec {
  if (!tools.firejail) throw new Error('firejail not found');
  const home = tools.firejailHome;
  const args = [
    '--quiet',
    '--noprofile',
    // End the sandbox (and its orphans) with the program, exit with the program's status.
    '--deterministic-shutdown',
    '--deterministic-exit-code',
    '--net=none',
    `--private=${ctx.dir}`,
    '--private-cwd',
    '--private-tmp',
    '--private-dev',
    '--read-only=/',
    `--read-write=${home}`,
    '--nogroups',
    '--seccomp',
    '--nosound',
    '--no3d',
    // As root, setpriv inside needs CAP_SETUID/SETGID; the uid change then clears every capability.
    ...(tools.isRoot ? ['--caps.keep=setuid,setgid'] : ['--caps.drop=all', '--nonewprivs']),
    '--',
    ...dropPrivileges(tools, ctx),
    ...limitedPython(tools, ctx, `${home}/main.py`, 0),
  ];
  return { command: tools.firejail, args, env: sandboxEnv(home), cwd: '/', usesHostDir: true };
}

function none(tools: SandboxTools, ctx: LaunchContext): LaunchSpec {
  // Relative path: the uid may not be allowed to traverse the folders above its cwd.
  const argv = [...dropPrivileges(tools, ctx), ...limitedPython(tools, ctx, 'main.py', 0)];
  return { command: argv[0], args: argv.slice(1), env: sandboxEnv(ctx.dir), cwd: ctx.dir, usesHostDir: true };
}

export function launchSpec(driver: SandboxDriverName, tools: SandboxTools, ctx: LaunchContext): LaunchSpec {
  switch (driver) {
    case 'bubblewrap':
      return bubblewrap(tools, ctx);
    case 'firejail':
      return firejail(tools, ctx);
    case 'none':
      return none(tools, ctx);
  }
}
