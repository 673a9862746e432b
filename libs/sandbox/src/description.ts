import { BWRAP_INNER_ID, type SandboxTools } from './drivers';
import { STARTUP_TIMEOUT_MS } from './process-launch';
import type { SandboxDescription, SandboxDriverName, SandboxLimits, SandboxProbe } from './types';

/** The operator's account of the chosen isolation: each mechanism, the limits, and why this driver was chosen. */
export function describeSandbox(
  driver: SandboxDriverName,
  tools: SandboxTools,
  probes: SandboxProbe[],
  requested: string,
  limits: SandboxLimits,
  slots: { size: number; uidBase: number },
): SandboxDescription {
  const uids = tools.isRoot ? `host uids ${slots.uidBase}..${slots.uidBase + slots.size - 1} (one per run slot)` : `host uid ${process.getuid?.()}`;
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
      ? `code sandbox: NO ISOLATION (driver none, allowed by allowUnsafe) — model-written code runs as a plain process with rlimits only; concurrency ${slots.size}`
      : `code sandbox: ${driver} (network: none, filesystem: read-only + throwaway tmp, limits: ${limits.timeoutMs} ms wall, ${limits.cpuSeconds} s CPU, ${Math.round(limits.memoryBytes / 2 ** 20)} MiB address space, ${limits.maxProcesses} tasks, ${limits.maxOutputBytes} bytes output); concurrency ${slots.size}`;
  return {
    driver,
    isolated: driver !== 'none',
    summary,
    reason,
    probes,
    python: tools.python,
    hostUid: process.getuid?.() ?? -1,
    concurrency: slots.size,
    limits,
    mechanisms,
  };
}
