import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DensityCalibrationEntity, DensityFitVersionEntity } from '@app/database';
import { referenceView } from '../references/reference-view';
import { CalibrationResponseDto, CalibrationRunDto } from './dto/calibration-response.dto';

/** A calibration's runs with their progress (samples done / total over their shards), smallest model first. */
const RUNS_SQL = `SELECT r.id AS "runId", r.model_id AS "modelId", m.name AS model, r.status, r.error,
                         coalesce(sum(least(s.done_samples, s.doc_end - s.doc_start)), 0)::int AS done,
                         coalesce(sum(s.doc_end - s.doc_start), 0)::int AS total
                    FROM density_calibration_runs cr JOIN runs r ON r.id = cr.run_id JOIN models m ON m.id = r.model_id
                    LEFT JOIN shards s ON s.run_id = r.id
                   WHERE cr.calibration_id = $1
                   GROUP BY r.id, m.id ORDER BY m.params_total, m.name`;

/** Members of the family that the calibration did not run (their numbers are given). */
const GIVEN_SQL = `SELECT mb.model_id AS "modelId", m.name AS model
                     FROM density_reference_members mb JOIN models m ON m.id = mb.model_id
                    WHERE mb.reference_id = $1
                      AND NOT EXISTS (SELECT 1 FROM density_calibration_runs cr JOIN runs r ON r.id = cr.run_id
                                       WHERE cr.calibration_id = $2 AND r.model_id = mb.model_id)
                    ORDER BY m.params_total, m.name`;

/** Entities → the calibration resource: its runs and their progress, the members it did not run, the fit it produced. */
@Injectable()
export class CalibrationViewService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async view(c: DensityCalibrationEntity, referenceName: string): Promise<CalibrationResponseDto> {
    const [rows, given, version] = await Promise.all([
      this.db.query(RUNS_SQL, [c.id]) as Promise<Array<Omit<CalibrationRunDto, 'progress'> & { done: number; total: number }>>,
      this.db.query(GIVEN_SQL, [c.referenceId, c.id]) as Promise<Array<{ modelId: string; model: string }>>,
      c.fitVersionId ? this.db.getRepository(DensityFitVersionEntity).findOneBy({ id: c.fitVersionId }) : null,
    ]);
    const runs = rows.map(({ done, total, ...r }) => ({ ...r, progress: { done, total } }));
    return {
      id: c.id,
      referenceId: c.referenceId,
      reference: referenceName,
      status: c.status,
      benchmarks: c.benchmarks,
      benchmarkKeys: c.benchmarkKeys,
      pool: c.pool,
      priority: c.priority,
      shardSize: c.shardSize,
      seed: c.seed,
      runs,
      given,
      progress: { done: runs.reduce((a, r) => a + r.progress.done, 0), total: runs.reduce((a, r) => a + r.progress.total, 0) },
      fitVersion: version ? referenceView.versionSummary(version) : null,
      error: c.error,
      errorCode: c.errorCode,
      createdAt: c.createdAt.toISOString(),
      finishedAt: c.finishedAt?.toISOString() ?? null,
    };
  }
}
