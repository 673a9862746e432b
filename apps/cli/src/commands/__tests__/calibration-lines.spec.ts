import { CalibrationView, formatOutcome, formatSubmitted } from '../calibration-lines';

const base: CalibrationView = {
  id: 'cal-1',
  reference: 'pythia-gguf',
  status: 'running',
  benchmarkKeys: ['arc_easy', 'piqa'],
  pool: 'h100',
  runs: [
    { runId: 'run-70m', model: 'pythia-70m', status: 'queued', error: null, progress: { done: 0, total: 5000 } },
    { runId: 'run-1.4b', model: 'pythia-1.4b', status: 'running', error: null, progress: { done: 10, total: 5000 } },
  ],
  given: [{ model: 'published-410m' }],
  progress: { done: 10, total: 10_000 },
  fitVersion: null,
  error: null,
  errorCode: null,
};

describe('the calibrate command\'s lines', () => {
  it('lists the runs it submitted and the members it did not run', () => {
    expect(formatSubmitted(base)).toEqual([
      'calibration cal-1 of "pythia-gguf" on arc_easy, piqa (pool h100): 2 run(s), running',
      '  pythia-70m   run run-70m  5000 samples',
      '  pythia-1.4b  run run-1.4b  5000 samples',
      '  not run (their numbers are given): published-410m',
    ]);
  });

  it('prints the fit version with each curve\'s quality, benchmarks first and AVERAGE last, then the warnings', () => {
    const quality = {
      AVERAGE: { loss: { rSquared: 0.99, n: 8, converged: true }, performance: { rSquared: 0.95, n: 8, converged: true } },
      piqa: { loss: { rSquared: 0.98, n: 8, converged: true }, performance: { rSquared: null, n: 8, converged: false } },
      arc_easy: { loss: { rSquared: 0.997, n: 8, converged: true }, performance: { rSquared: 0.9, n: 8, converged: true } },
    };
    const lines = formatOutcome({ ...base, status: 'succeeded', fitVersion: { version: 4, method: 'densing-law-two-step', quality, warnings: ['piqa: something'] } });
    expect(lines).toEqual([
      'calibration cal-1: succeeded — "pythia-gguf" fit version 4 (densing-law-two-step)',
      '  arc_easy  loss curve (Eq. 2) R² 0.997 (n=8)   performance curve (Eq. 3) R² 0.900 (n=8)',
      '  piqa      loss curve (Eq. 2) R² 0.980 (n=8)   performance curve (Eq. 3) R² n/a (n=8, not converged)',
      '  AVERAGE   loss curve (Eq. 2) R² 0.990 (n=8)   performance curve (Eq. 3) R² 0.950 (n=8)',
      '  warning: piqa: something',
    ]);
  });

  it('prints why it failed and the runs that did not succeed', () => {
    const failed: CalibrationView = {
      ...base,
      status: 'failed',
      errorCode: 'run_failed',
      error: 'run run-1.4b of pythia-1.4b failed: out of memory',
      runs: [{ ...base.runs[0], status: 'succeeded' }, { ...base.runs[1], status: 'failed', error: 'out of memory' }],
    };
    expect(formatOutcome(failed)).toEqual([
      'calibration cal-1: failed (run_failed): run run-1.4b of pythia-1.4b failed: out of memory',
      '  run run-1.4b of pythia-1.4b: failed — out of memory',
    ]);
  });
});
