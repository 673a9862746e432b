import { spawnSync } from 'node:child_process';
import { accessSync, constants as fsConstants, realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { SandboxTools } from './drivers';
import { SandboxUnavailableError } from './errors';
import type { CodeSandboxOptions } from './types';

const BIN_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/local/sbin'];

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

function underUsr(p: string): boolean {
  return p === '/usr' || p.startsWith('/usr/');
}

/**
 * The programs a sandbox run needs (python3, prlimit, setpriv, bwrap or firejail), found in the system's bin
 * folders unless named in the options, and what the interpreter needs visible inside bubblewrap.
 */
export function findTools(options: CodeSandboxOptions): SandboxTools {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const python = options.pythonPath ?? findBinary(undefined, 'python3');
  if (!python) throw new SandboxUnavailableError('python3 not found (install the Debian package python3)');
  const prlimit = findBinary(options.prlimitPath, 'prlimit');
  if (!prlimit) throw new SandboxUnavailableError('prlimit not found (Debian package util-linux)');
  const setpriv = findBinary(options.setprivPath, 'setpriv');
  if (isRoot && !setpriv) throw new SandboxUnavailableError('setpriv not found (Debian package util-linux); needed to drop root');
  const bwrap = findBinary(options.bwrapPath, 'bwrap');
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
    firejail: findBinary(options.firejailPath, 'firejail'),
    isRoot,
    firejailHome: isRoot ? '/root' : userInfo().homedir,
  };
}
