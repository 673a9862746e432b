import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CalibrationStatus, RunStatus } from '@app/contracts';
import { DensityCalibrationRunEntity } from '../entities/density-calibration-run.entity';
import { DensityCalibrationEntity } from '../entities/density-calibration.entity';
import type { Queryable, SqlStatements } from './sql';

export const DENSITY_CALIBRATIONS_SQL = {
  runs_with_progress: `
    SELECT r.id AS "runId", r.model_id AS "modelId", m.name AS model, r.status, r.error,
           coalesce(sum(least(s.done_samples, s.doc_end - s.doc_start)), 0)::int AS done,
           coalesce(sum(s.doc_end - s.doc_start), 0)::int AS total
      FROM density_calibration_runs cr JOIN runs r ON r.id = cr.run_id JOIN models m ON m.id = r.model_id
      LEFT JOIN shards s ON s.run_id = r.id
     WHERE cr.calibration_id = $1
     GROUP BY r.id, m.id ORDER BY m.params_total, m.name`,
  given_members: `
    SELECT mb.model_id AS "modelId", m.name AS model
      FROM density_reference_members mb JOIN models m ON m.id = mb.model_id
     WHERE mb.reference_id = $1
       AND NOT EXISTS (SELECT 1 FROM density_calibration_runs cr JOIN runs r ON r.id = cr.run_id
                        WHERE cr.calibration_id = $2 AND r.model_id = mb.model_id)
     ORDER BY m.params_total, m.name`,
  run_states: `
    SELECT r.id AS "runId", m.name AS model, r.status, r.error
      FROM density_calibration_runs cr JOIN runs r ON r.id = cr.run_id JOIN models m ON m.id = r.model_id
     WHERE cr.calibration_id = $1 ORDER BY r.created_at, r.id`,
  lock_status: `SELECT status FROM density_calibrations WHERE id = $1 FOR UPDATE`,
  unfinished_with_run: `
    SELECT c.id FROM density_calibration_runs cr JOIN density_calibrations c ON c.id = cr.calibration_id
     WHERE cr.run_id = $1 AND c.status = ANY($2)`,
  unfinished: `SELECT id FROM density_calibrations WHERE status = ANY($1)`,
} satisfies SqlStatements;

export type NewCalibration = Pick<
  DensityCalibrationEntity,
  'referenceId' | 'projectId' | 'status' | 'benchmarks' | 'benchmarkKeys' | 'pool' | 'priority' | 'shardSize' | 'seed' | 'idempotencyKey'
>;

/** One of a calibration's runs with its progress over its shards. */
export interface CalibrationRunProgress {
  runId: string;
  modelId: string;
  model: string;
  status: RunStatus;
  error: string | null;
  done: number;
  total: number;
}

/** A calibration's run as its state machine needs it. */
export interface CalibrationRunStateRow {
  runId: string;
  model: string;
  status: RunStatus;
  error: string | null;
}

const UNFINISHED = [CalibrationStatus.Running, CalibrationStatus.Fitting];

/** Calibrations of reference families (density_calibrations) and the runs each one made (density_calibration_runs). */
@Injectable()
export class DensityCalibrationsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * The calibration and its runs in one transaction: `writeRuns` writes the runs on the transaction it is given (the
   * runs module owns how a run is written) and answers what it wrote; they are linked to the calibration.
   */
  createWithRuns<R extends { run: { id: string } }>(
    calibration: NewCalibration,
    writeRuns: (tx: EntityManager) => Promise<R[]>,
  ): Promise<{ calibration: DensityCalibrationEntity; runs: R[] }> {
    return this.db.transaction(async (tx) => {
      const saved = await tx.save(tx.create(DensityCalibrationEntity, calibration));
      const runs = await writeRuns(tx);
      await tx.insert(DensityCalibrationRunEntity, runs.map((w) => ({ calibrationId: saved.id, runId: w.run.id })));
      return { calibration: saved, runs };
    });
  }

  byId(id: string): Promise<DensityCalibrationEntity | null> {
    return this.db.getRepository(DensityCalibrationEntity).findOneBy({ id });
  }

  /** With its reference family loaded (for its name). */
  withReference(id: string): Promise<DensityCalibrationEntity | null> {
    return this.db.getRepository(DensityCalibrationEntity).findOne({ where: { id }, relations: { reference: true } });
  }

  byIdempotencyKey(idempotencyKey: string): Promise<DensityCalibrationEntity | null> {
    return this.db.getRepository(DensityCalibrationEntity).findOne({ where: { idempotencyKey }, relations: { reference: true } });
  }

  /** A family's calibrations, newest first: a project's, or every one when projectId is null. */
  listOfReference(referenceId: string, projectId: string | null, limit: number, offset: number): Promise<DensityCalibrationEntity[]> {
    return this.db.getRepository(DensityCalibrationEntity).find({
      where: projectId ? { referenceId, projectId } : { referenceId },
      order: { createdAt: 'DESC' },
      take: limit,
      skip: offset,
    });
  }

  /** Its runs with their progress, smallest model first. */
  runsWithProgress(calibrationId: string): Promise<CalibrationRunProgress[]> {
    return this.db.query(DENSITY_CALIBRATIONS_SQL.runs_with_progress, [calibrationId]);
  }

  /** Members of the family that the calibration did not run (their numbers are given). */
  givenMembers(referenceId: string, calibrationId: string): Promise<Array<{ modelId: string; model: string }>> {
    return this.db.query(DENSITY_CALIBRATIONS_SQL.given_members, [referenceId, calibrationId]);
  }

  runStates(calibrationId: string): Promise<CalibrationRunStateRow[]> {
    return this.db.query(DENSITY_CALIBRATIONS_SQL.run_states, [calibrationId]);
  }

  /** Moves the calibration to `to` with `patch` if it is still in `from` (a concurrent job may have moved it first). */
  async moveIfIn(
    id: string,
    from: CalibrationStatus,
    to: CalibrationStatus,
    patch: Partial<Pick<DensityCalibrationEntity, 'error' | 'errorCode' | 'finishedAt' | 'fitVersionId'>>,
    tx: Queryable = this.db,
  ): Promise<void> {
    await tx.getRepository(DensityCalibrationEntity).update({ id, status: from }, { ...patch, status: to });
  }

  /** Its status, its row locked until tx ends (null when it is gone). */
  async lockStatus(id: string, tx: Queryable): Promise<CalibrationStatus | null> {
    const [row]: Array<{ status: CalibrationStatus }> = await tx.query(DENSITY_CALIBRATIONS_SQL.lock_status, [id]);
    return row?.status ?? null;
  }

  /** Unfinished calibrations that include the run. */
  async unfinishedWithRun(runId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(DENSITY_CALIBRATIONS_SQL.unfinished_with_run, [runId, UNFINISHED]);
    return rows.map((r) => r.id);
  }

  async unfinished(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(DENSITY_CALIBRATIONS_SQL.unfinished, [UNFINISHED]);
    return rows.map((r) => r.id);
  }
}
