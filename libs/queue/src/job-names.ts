export enum JobName {
  /** Run one shard of a run on a worker (shard queues). */
  RunShard = 'run-shard',
  /** Load one finished shard artifact into Postgres (results queue). */
  IngestShard = 'ingest-shard',
  /** Flow parent: runs once every shard of a run has ended (results queue). */
  FinalizeRun = 'finalize-run',
  /** Repeatable: mark workers that stopped heartbeating as lost (results queue). */
  SweepWorkers = 'sweep-workers',
  /** Repeatable: rebuild from Postgres the jobs of open runs that Redis lost; ingest stored shards never ingested (results queue). */
  ReconcileRuns = 'reconcile-runs',
  RecomputeDensities = 'recompute-densities',
  /** Install or refit a built-in reference family from its table in the package (results queue). */
  InstallBuiltinReference = 'install-builtin-reference',
  /**
   * Moves a reference calibration on (results queue): fails it on a failed run, fits it once all its runs succeeded,
   * else does nothing. Enqueued when one of its runs ends, and at the results service's start for unfinished ones.
   */
  AdvanceCalibration = 'advance-calibration',
  /** Fits a reference family on what Postgres holds, as a density_fits request asked (results queue). */
  FitReference = 'fit-reference',
  /** Builds a density report (JSON, CSV, SVG/PNG plots into S3), as a density_reports request asked (results queue). */
  BuildDensityReport = 'build-density-report',
}

/** Job payloads carry ids only; everything else lives in Postgres or S3. */
export interface JobPayloadMap {
  [JobName.RunShard]: { runId: string; shardId: string };
  [JobName.IngestShard]: { runId: string; shardId: string };
  [JobName.FinalizeRun]: { runId: string };
  [JobName.SweepWorkers]: Record<string, never>;
  [JobName.ReconcileRuns]: Record<string, never>;
  [JobName.RecomputeDensities]: { fitVersionId: string };
  [JobName.InstallBuiltinReference]: { name: string };
  [JobName.AdvanceCalibration]: { calibrationId: string };
  [JobName.FitReference]: { fitId: string };
  [JobName.BuildDensityReport]: { reportId: string };
}

export type JobOf<N extends JobName> = JobPayloadMap[N];

/** Deterministic job ids make enqueueing idempotent (BullMQ ignores a duplicate id; ids may not contain ":"). */
export const jobIds = {
  shard: (shardId: string) => `shard-${shardId}`,
  ingest: (shardId: string) => `ingest-${shardId}`,
  finalize: (runId: string) => `finalize-${runId}`,
  /** One per cause (`run-<id>` ended, `start-<boot>` of a results service): a finished job id blocks its reuse. */
  advanceCalibration: (calibrationId: string, cause: string) => `calibration-${calibrationId}-${cause}`,
  /** One job per request row: the row, not the job, says whether the work is done. */
  fitReference: (fitId: string) => `density-fit-${fitId}`,
  densityReport: (reportId: string) => `density-report-${reportId}`,
};
