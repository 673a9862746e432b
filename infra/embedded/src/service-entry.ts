import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import { childEnv, launchedByNpm, watchParent } from '@app/config';

export type ServiceApp = 'api' | 'results' | 'worker';

/** dist/ root: this file compiles to dist/infra/embedded/src/service-entry.js. */
const DIST = resolve(__dirname, '..', '..', '..');

/** The built entry point of a service, as production runs it (`node dist/apps/<app>/src/main.js`). */
export const serviceEntry = (app: ServiceApp): string => join(DIST, 'apps', app, 'src', 'main.js');

/**
 * Runs one built service in the foreground, on this terminal, and resolves with its exit code. A SIGTERM or
 * SIGHUP sent to this process (by a process manager, which signals only the pid it started) is passed on, so
 * the service shuts down as it would on its own. A terminal's Ctrl-C already reaches the whole process group:
 * passing SIGINT on as well would interrupt the service's graceful shutdown with a second signal.
 */
export function runService(app: ServiceApp, extraEnv: Record<string, string> = {}, entry = serviceEntry(app)): Promise<number> {
  const child = spawn(process.execPath, [entry], { env: childEnv(extraEnv), stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const handlers = (['SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  const ignoreInt = () => undefined;
  process.on('SIGINT', ignoreInt);
  // Under npx, a SIGTERM to npm ends the shell between npm and this process: its parent gone, stop the service.
  const unwatch = launchedByNpm() ? watchParent(() => child.kill('SIGTERM')) : () => undefined;
  return new Promise((resolveExit, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      process.off('SIGINT', ignoreInt);
      unwatch();
      resolveExit(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
