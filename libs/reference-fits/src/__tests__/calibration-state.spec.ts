import { CalibrationStatus, RunStatus } from '@app/contracts';
import { CalibrationFailure, CalibrationRunState, canTransition, nextCalibrationStep } from '../calibration-state';

const run = (runId: string, status: RunStatus, error: string | null = null): CalibrationRunState => ({ runId, model: `model-${runId}`, status, error });

describe('calibration status transitions', () => {
  it('goes running → fitting → succeeded, and to failed from running or fitting only', () => {
    expect(canTransition(CalibrationStatus.Running, CalibrationStatus.Fitting)).toBe(true);
    expect(canTransition(CalibrationStatus.Fitting, CalibrationStatus.Succeeded)).toBe(true);
    expect(canTransition(CalibrationStatus.Running, CalibrationStatus.Failed)).toBe(true);
    expect(canTransition(CalibrationStatus.Fitting, CalibrationStatus.Failed)).toBe(true);
    expect(canTransition(CalibrationStatus.Running, CalibrationStatus.Succeeded)).toBe(false);
    expect(canTransition(CalibrationStatus.Fitting, CalibrationStatus.Running)).toBe(false);
  });

  it('never leaves succeeded or failed', () => {
    for (const to of Object.values(CalibrationStatus)) {
      expect(canTransition(CalibrationStatus.Succeeded, to)).toBe(false);
      expect(canTransition(CalibrationStatus.Failed, to)).toBe(false);
    }
  });
});

describe('the next step of a running calibration', () => {
  it('waits while a run is queued or running', () => {
    expect(nextCalibrationStep([run('a', RunStatus.Succeeded), run('b', RunStatus.Running), run('c', RunStatus.Queued)])).toEqual({ kind: 'wait', pending: 2 });
  });

  it('fits once every run succeeded', () => {
    expect(nextCalibrationStep([run('a', RunStatus.Succeeded), run('b', RunStatus.Succeeded)])).toEqual({ kind: 'fit' });
  });

  it('fails as soon as a run failed, with that run\'s reason, without waiting for the others', () => {
    const step = nextCalibrationStep([run('a', RunStatus.Running), run('b', RunStatus.Failed, '1 shard(s) failed; first: arc_easy shard 0: no such file')]);
    expect(step).toEqual({
      kind: 'fail',
      code: CalibrationFailure.RunFailed,
      reason: 'run b of model-b failed: 1 shard(s) failed; first: arc_easy shard 0: no such file',
    });
  });

  it('fails on a cancelled run, and counts the other runs that did not succeed', () => {
    const step = nextCalibrationStep([run('a', RunStatus.Cancelled, 'cancelled by user'), run('b', RunStatus.Failed, 'boom')]);
    expect(step).toEqual({
      kind: 'fail',
      code: CalibrationFailure.RunCancelled,
      reason: 'run a of model-a was cancelled: cancelled by user (and 1 more run(s) did not succeed)',
    });
  });
});
