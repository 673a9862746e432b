export * from './types';
export * from './code-sandbox';
export { PYTHON_RUNNER, parseRunnerStatus } from './python-runner';
export type { RunnerOutcome, RunnerStatus } from './python-runner';
export { sandboxEnv, BWRAP_INNER_ID, BWRAP_WORKDIR } from './drivers';
export { SlotPool } from './semaphore';
