import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ReferenceCalibration } from '@app/density';

const FIT_TIMEOUT_MS = 10 * 60_000;

/**
 * The compiled worker script next to this file. From TypeScript source (ts-jest in the e2e tests) a worker thread
 * cannot run the .ts twin, so the build's copy in dist/ is used (the e2e tests build first).
 */
function workerScript(): string {
  if (!__filename.endsWith('.ts')) return join(__dirname, 'pythia-fit.worker.js');
  const root = resolve(__dirname, '..', '..', '..', '..', '..');
  const built = join(root, 'dist', relative(root, __dirname), 'pythia-fit.worker.js');
  if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build:ts`);
  return built;
}

/** Fits the Pythia table at `path` in a worker thread; resolves with the table's sha256 and the calibration. */
export function fitPythiaInWorker(path: string): Promise<{ sha256: string; calibration: ReferenceCalibration }> {
  return new Promise((resolvePromise, reject) => {
    const worker = new Worker(workerScript(), { workerData: { path } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const fail = (message: string) => settle(() => reject(new Error(`fitting the built-in Pythia reference failed: ${message}`)));
    const timer = setTimeout(() => fail(`it took longer than ${FIT_TIMEOUT_MS / 1000} s`), FIT_TIMEOUT_MS);
    worker.once('message', (msg: { ok: boolean; message?: string; sha256?: string; calibration?: ReferenceCalibration }) => {
      if (!msg.ok) return fail(msg.message ?? 'unknown error');
      settle(() => resolvePromise({ sha256: msg.sha256!, calibration: msg.calibration! }));
    });
    worker.once('error', (err) => fail(err.message));
    worker.once('exit', (code) => fail(`the worker exited with code ${code} before answering`));
  });
}
