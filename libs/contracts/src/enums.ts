export enum RunStatus {
  Queued = 'queued',
  Running = 'running',
  Succeeded = 'succeeded',
  Failed = 'failed',
  Cancelled = 'cancelled',
}

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = [RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled];

/** A reference family's calibration: its members' runs, then the fit (running → fitting → succeeded | failed). */
export enum CalibrationStatus {
  Running = 'running',
  Fitting = 'fitting',
  Succeeded = 'succeeded',
  Failed = 'failed',
}

/** Work the API hands to the results service and answers 202 for (a reference fit, a report): queued → running → succeeded | failed. */
export enum DensityJobStatus {
  Queued = 'queued',
  Running = 'running',
  Succeeded = 'succeeded',
  Failed = 'failed',
}

export const TERMINAL_CALIBRATION_STATUSES: readonly CalibrationStatus[] = [CalibrationStatus.Succeeded, CalibrationStatus.Failed];

export enum ShardStatus {
  Pending = 'pending',
  Running = 'running',
  Done = 'done',
  Failed = 'failed',
  Cancelled = 'cancelled',
}

export enum WorkerStatus {
  Active = 'active',
  Draining = 'draining',
  Lost = 'lost',
  Removed = 'removed',
}

export enum BackendKind {
  LlamaCpp = 'llama-cpp',
  OpenAi = 'openai',
  Replay = 'replay',
}

export enum ArtifactKind {
  Samples = 'samples',
  Results = 'results',
  Report = 'report',
}
