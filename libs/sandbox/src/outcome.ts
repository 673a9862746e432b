import { constants as osConstants } from 'node:os';
import { SandboxRunError } from './errors';
import { STARTUP_TIMEOUT_MS, type RawOutcome } from './process-launch';
import { parseRunnerStatus, type RunnerOutcome } from './python-runner';
import type { SandboxDriverName, SandboxLimitKind, SandboxLimits, SandboxRunResult } from './types';

function signalName(n: number): string | null {
  for (const [name, value] of Object.entries(osConstants.signals)) if (value === n) return name;
  return null;
}

/**
 * What a finished run means: passed, or failed with the reason and the limit it hit. A run the sandbox never
 * started (or could not start in time) is the sandbox's failure and throws SandboxRunError instead.
 */
export function classify(driver: SandboxDriverName, raw: RawOutcome, nonce: string, limits: SandboxLimits): SandboxRunResult {
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

function limitOfException(outcome: Extract<RunnerOutcome, { kind: 'failed' }>): SandboxLimitKind | undefined {
  if (outcome.errorType === 'MemoryError') return 'memory';
  if (/Resource temporarily unavailable|can't start new thread|\[Errno 11\]/.test(outcome.message)) return 'processes';
  return undefined;
}
