// Worker thread body of BuiltinReferenceService: fits the built-in Pythia reference off the results service's
// event loop (about ten seconds of CPU for 14 benchmarks and their leave-one-size-out refits).
import { parentPort, workerData } from 'node:worker_threads';
import { calibratePythia, readPythiaTable } from './pythia-calibration';

try {
  const table = readPythiaTable((workerData as { path: string }).path);
  parentPort!.postMessage({ ok: true, sha256: table.sha256, calibration: calibratePythia(table.rows) });
} catch (err) {
  parentPort!.postMessage({ ok: false, message: (err as Error)?.message ?? String(err) });
}
