import { CalibrationStatus, RunStatus, TERMINAL_RUN_STATUSES } from '@app/contracts';

/** The moves a calibration may make; succeeded and failed are final. */
const TRANSITIONS: Record<CalibrationStatus, readonly CalibrationStatus[]> = {
  [CalibrationStatus.Running]: [CalibrationStatus.Fitting, CalibrationStatus.Failed],
  [CalibrationStatus.Fitting]: [CalibrationStatus.Succeeded, CalibrationStatus.Failed],
  [CalibrationStatus.Succeeded]: [],
  [CalibrationStatus.Failed]: [],
};

export function canTransition(from: CalibrationStatus, to: CalibrationStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Why a calibration failed, besides the density library's codes (DENSITY_…). */
export enum CalibrationFailure {
  RunFailed = 'run_failed',
  RunCancelled = 'run_cancelled',
  QueueUnavailable = 'queue_unavailable',
  InvalidInput = 'invalid_input',
}

/** One of a calibration's runs as the decision needs it. */
export interface CalibrationRunState {
  runId: string;
  model: string;
  status: RunStatus;
  error: string | null;
}

export type CalibrationStep =
  | { kind: 'wait'; pending: number }
  | { kind: 'fail'; code: CalibrationFailure; reason: string }
  | { kind: 'fit' };

/**
 * What a running calibration does next, from its runs: fail as soon as one run failed or was cancelled (the others
 * are left to finish: their results stay usable), fit once every run succeeded, else wait for the next run to end.
 */
export function nextCalibrationStep(runs: readonly CalibrationRunState[]): CalibrationStep {
  const failed = runs.filter((r) => r.status === RunStatus.Failed || r.status === RunStatus.Cancelled);
  if (failed.length > 0) {
    const first = failed[0];
    const cancelled = first.status === RunStatus.Cancelled;
    const what = cancelled ? 'was cancelled' : 'failed';
    const more = failed.length > 1 ? ` (and ${failed.length - 1} more run(s) did not succeed)` : '';
    return {
      kind: 'fail',
      code: cancelled ? CalibrationFailure.RunCancelled : CalibrationFailure.RunFailed,
      reason: `run ${first.runId} of ${first.model} ${what}${first.error ? `: ${first.error}` : ''}${more}`,
    };
  }
  const pending = runs.filter((r) => !TERMINAL_RUN_STATUSES.includes(r.status)).length;
  return pending > 0 ? { kind: 'wait', pending } : { kind: 'fit' };
}
