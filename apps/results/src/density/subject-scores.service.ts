import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runBenchmarkKeySql } from '@app/database';
import { DensitySubject } from './density-rows';

/** Run scores are matched to reference benchmarks on benchmarkKey (mmlu@5-shot), not the task name alone. */
const KEY = runBenchmarkKeySql('rb');

type ScoreRow = { modelId: string; benchmark: string; score: number; stderr: number | null; source: string };

/**
 * The scores densities are computed from, read in the fit version's metric per benchmark:
 * - a model's best-known score per benchmark: its latest succeeded run that reports the metric, else its
 *   latest imported score in that metric, else its latest imported score published without a metric;
 * - a run's own scores.
 */
@Injectable()
export class SubjectScoresService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every model with a score on one of the benchmarks (or only `modelIds`), measured scores first. */
  async models(metrics: Record<string, string>, modelIds?: string[]): Promise<DensitySubject[]> {
    const benchmarks = Object.keys(metrics);
    const params: unknown[] = [benchmarks, JSON.stringify(metrics)];
    if (modelIds) params.push(modelIds);
    const measured: ScoreRow[] = await this.db.query(
      `SELECT DISTINCT ON (r.model_id, ${KEY}) r.model_id AS "modelId", ${KEY} AS benchmark, 'run:' || r.id AS source,
              (rb.metrics -> ($2::jsonb ->> ${KEY}) ->> 'value')::float8 AS score,
              (rb.metrics -> ($2::jsonb ->> ${KEY}) ->> 'stderr')::float8 AS stderr
         FROM runs r JOIN run_benchmarks rb ON rb.run_id = r.id
        WHERE r.status = 'succeeded' AND ${KEY} = ANY($1) AND rb.metrics ? ($2::jsonb ->> ${KEY})
              ${modelIds ? 'AND r.model_id = ANY($3)' : ''}
        ORDER BY r.model_id, ${KEY}, r.finished_at DESC NULLS LAST, r.created_at DESC`,
      params,
    );
    const imported: ScoreRow[] = await this.db.query(
      `SELECT DISTINCT ON (s.model_id, s.benchmark) s.model_id AS "modelId", s.benchmark, 'import:' || s.import_id AS source, s.value AS score, s.stderr
         FROM density_imported_scores s JOIN density_imports i ON i.id = s.import_id
        WHERE s.benchmark = ANY($1) AND (s.metric = ($2::jsonb ->> s.benchmark) OR s.metric IS NULL)
              ${modelIds ? 'AND s.model_id = ANY($3)' : ''}
        ORDER BY s.model_id, s.benchmark, (s.metric IS NULL), i.imported_at DESC, s.id`,
      params,
    );
    const byModel = new Map<string, DensitySubject['scores']>();
    for (const row of [...imported, ...measured]) {
      if (row.score === null || !Number.isFinite(row.score)) continue;
      const scores = byModel.get(row.modelId) ?? {};
      scores[row.benchmark] = { score: row.score, source: row.source, stderr: row.stderr }; // measured rows come last and win
      byModel.set(row.modelId, scores);
    }
    const ids = [...byModel.keys()];
    if (ids.length === 0) return [];
    const sizes: Array<{ id: string; params: number }> = await this.db.query(
      `SELECT id, params_total::float8 AS params FROM models WHERE id = ANY($1)`,
      [ids],
    );
    return sizes.map((m) => ({ kind: 'model', subjectId: m.id, modelId: m.id, runId: null, params: m.params, scores: byModel.get(m.id)! }));
  }

  /** Every succeeded run, with its scores on the benchmarks (a run without any still gets rows: missing scores). */
  async runs(metrics: Record<string, string>): Promise<DensitySubject[]> {
    const rows: Array<{ runId: string; modelId: string; params: number; benchmark: string | null; score: number | null; stderr: number | null }> = await this.db.query(
      `SELECT r.id AS "runId", r.model_id AS "modelId", m.params_total::float8 AS params, ${KEY} AS benchmark,
              (rb.metrics -> ($2::jsonb ->> ${KEY}) ->> 'value')::float8 AS score,
              (rb.metrics -> ($2::jsonb ->> ${KEY}) ->> 'stderr')::float8 AS stderr
         FROM runs r JOIN models m ON m.id = r.model_id
         LEFT JOIN run_benchmarks rb ON rb.run_id = r.id AND ${KEY} = ANY($1) AND rb.metrics ? ($2::jsonb ->> ${KEY})
        WHERE r.status = 'succeeded'`,
      [Object.keys(metrics), JSON.stringify(metrics)],
    );
    const subjects = new Map<string, DensitySubject>();
    for (const r of rows) {
      const s = subjects.get(r.runId) ?? { kind: 'run', subjectId: r.runId, modelId: r.modelId, runId: r.runId, params: r.params, scores: {} };
      if (r.benchmark && r.score !== null && Number.isFinite(r.score)) s.scores[r.benchmark] = { score: r.score, source: `run:${r.runId}`, stderr: r.stderr };
      subjects.set(r.runId, s);
    }
    return [...subjects.values()];
  }
}
