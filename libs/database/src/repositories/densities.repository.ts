import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { runBenchmarkKeySql } from '../benchmark-key-sql';
import { DensityEntity } from '../entities/density.entity';
import { RunEfficiencyEntity } from '../entities/run-efficiency.entity';
import type { SqlStatements } from './sql';

/** Run scores are matched to reference benchmarks on benchmarkKey (mmlu@5-shot), not the task name alone. */
const KEY = runBenchmarkKeySql('rb');
const CHUNK = 500;
const SUBJECT_KEY = ['fitVersionId', 'subjectKind', 'subjectId', 'benchmark'];

const measuredScores = (onlyModels: boolean) => `
    SELECT DISTINCT ON (r.model_id, ${KEY}) r.model_id AS "modelId", ${KEY} AS benchmark, 'run:' || r.id AS source,
           (rb.metrics -> ($2::jsonb ->> ${KEY}) ->> 'value')::float8 AS score,
           (rb.metrics -> ($2::jsonb ->> ${KEY}) ->> 'stderr')::float8 AS stderr
      FROM runs r JOIN run_benchmarks rb ON rb.run_id = r.id
     WHERE r.status = 'succeeded' AND ${KEY} = ANY($1) AND rb.metrics ? ($2::jsonb ->> ${KEY})
           ${onlyModels ? 'AND r.model_id = ANY($3)' : ''}
     ORDER BY r.model_id, ${KEY}, r.finished_at DESC NULLS LAST, r.created_at DESC`;

const importedScores = (onlyModels: boolean) => `
    SELECT DISTINCT ON (s.model_id, s.benchmark) s.model_id AS "modelId", s.benchmark, 'import:' || s.import_id AS source, s.value AS score, s.stderr
      FROM density_imported_scores s JOIN density_imports i ON i.id = s.import_id
     WHERE s.benchmark = ANY($1) AND (s.metric = ($2::jsonb ->> s.benchmark) OR s.metric IS NULL)
           ${onlyModels ? 'AND s.model_id = ANY($3)' : ''}
     ORDER BY s.model_id, s.benchmark, (s.metric IS NULL), i.imported_at DESC, s.id`;

export const DENSITIES_SQL = {
  lock_fit_version: `SELECT pg_advisory_xact_lock(hashtext('densities:' || $1))`,
  measured_scores: measuredScores(false),
  measured_scores_of_models: measuredScores(true),
  imported_scores: importedScores(false),
  imported_scores_of_models: importedScores(true),
  model_sizes: `SELECT id, params_total::float8 AS params FROM models WHERE id = ANY($1)`,
  run_scores: `
    SELECT r.id AS "runId", r.model_id AS "modelId", m.params_total::float8 AS params, ${KEY} AS benchmark,
           (rb.metrics -> ($2::jsonb ->> ${KEY}) ->> 'value')::float8 AS score,
           (rb.metrics -> ($2::jsonb ->> ${KEY}) ->> 'stderr')::float8 AS stderr
      FROM runs r JOIN models m ON m.id = r.model_id
      LEFT JOIN run_benchmarks rb ON rb.run_id = r.id AND ${KEY} = ANY($1) AND rb.metrics ? ($2::jsonb ->> ${KEY})
     WHERE r.status = 'succeeded'`,
  run_usage: `
    SELECT s.benchmark, count(*)::int AS items, coalesce(sum(s.input_tokens), 0)::float8 AS input,
           coalesce(sum(s.output_tokens), 0)::float8 AS output, coalesce(sum(s.latency_ms::float8), 0) AS busy,
           sum(s.latency_ms::float8 * w.cost_per_hour) / 3600000 AS "workerCost",
           count(*) FILTER (WHERE w.cost_per_hour IS NULL)::int AS unpriced
      FROM samples s JOIN shards sh ON sh.id = s.shard_id AND sh.run_id = $1 LEFT JOIN workers w ON w.id = sh.worker_id
     WHERE s.run_id = $1 GROUP BY s.benchmark`,
  run_figures: `
    WITH latest AS (
      SELECT DISTINCT ON (d.reference_id) d.fit_version_id FROM densities d JOIN density_fit_versions v ON v.id = d.fit_version_id
       WHERE d.subject_kind = 'run' AND d.subject_id = $1 ORDER BY d.reference_id, v.version DESC)
    SELECT d.fit_version_id AS "fitVersionId", d.reference_id AS "referenceId", r.name AS reference, v.version, v.d0_tokens AS "d0Tokens",
           v.library ->> 'method' AS method, d.benchmark, d.metric, d.score, d.params, d.loss_hat AS "lossHat",
           d.effective_params AS "effectiveParams", d.density, d.undefined_reason AS "undefinedReason", d.message, d.extrapolated,
           CASE WHEN v.quality -> d.benchmark -> 'validation' IS NULL THEN NULL ELSE jsonb_build_object(
             'validated', v.quality -> d.benchmark -> 'validation' -> 'validated',
             'typicalFactor', v.quality -> d.benchmark -> 'validation' -> 'typicalFactor',
             'worstFactor', v.quality -> d.benchmark -> 'validation' -> 'worstFactor') END AS validation
      FROM densities d JOIN latest USING (fit_version_id) JOIN density_fit_versions v ON v.id = d.fit_version_id
      JOIN density_references r ON r.id = d.reference_id
     WHERE d.subject_kind = 'run' AND d.subject_id = $1 ORDER BY r.name, d.benchmark`,
  run_efficiency: `
    SELECT benchmark, metric, score, items, input_tokens AS "inputTokens", output_tokens AS "outputTokens", busy_ms AS "busyMs",
           cost_usd AS "costUsd", pricing, token_value AS "tokenValue", cost_density AS "costDensity", compute_density AS "computeDensity"
      FROM run_efficiency WHERE run_id = $1 ORDER BY (benchmark = 'ALL'), benchmark`,
} satisfies SqlStatements;

export type NewDensity = Omit<DensityEntity, 'id' | 'computedAt' | 'fitVersion' | 'model' | 'run' | 'subjectKind'> & { subjectKind: 'model' | 'run' };
export type NewRunEfficiency = Omit<RunEfficiencyEntity, 'id' | 'runId' | 'computedAt' | 'run'>;

/** A score a density is computed from, and where it came from ('run:<id>', 'import:<id>'). */
export interface SubjectScoreRow {
  modelId: string;
  benchmark: string;
  score: number | null;
  stderr: number | null;
  source: string;
}

/** A succeeded run's score on one benchmark (a run without any has one row with nulls). */
export interface RunScoreRow {
  runId: string;
  modelId: string;
  params: number;
  benchmark: string | null;
  score: number | null;
  stderr: number | null;
}

/** Per benchmark: items, tokens, busy time and worker cost of a run's samples. */
export interface RunUsageRow {
  benchmark: string;
  items: number;
  input: number;
  output: number;
  busy: number;
  workerCost: number | null;
  unpriced: number;
}

/** One stored density of a run, with the fit version it is against. */
export interface RunFigureRow
  extends Pick<
    DensityEntity,
    | 'fitVersionId' | 'referenceId' | 'benchmark' | 'metric' | 'score' | 'params' | 'lossHat'
    | 'effectiveParams' | 'density' | 'undefinedReason' | 'message' | 'extrapolated'
  > {
  reference: string;
  version: number;
  d0Tokens: number;
  method: string | null;
  validation: { validated: boolean; typicalFactor: number | null; worstFactor: number | null } | null;
}

export type RunEfficiencyRow = Pick<
  RunEfficiencyEntity,
  'benchmark' | 'metric' | 'score' | 'items' | 'inputTokens' | 'outputTokens' | 'busyMs' | 'costUsd' | 'pricing' | 'tokenValue' | 'costDensity' | 'computeDensity'
>;

/**
 * Densities (per fit version and subject: a model or a run) and runs' efficiency figures, with the scores they are
 * computed from: measured (succeeded runs' metrics) and imported.
 */
@Injectable()
export class DensitiesRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Upserts on the natural key, so job retries and a run-end computation racing a recompute are harmless; writers of
   * one fit version are serialised by an advisory lock.
   */
  async upsert(rows: readonly NewDensity[]): Promise<void> {
    if (rows.length === 0) return;
    const versions = [...new Set(rows.map((r) => r.fitVersionId))].sort();
    const computedAt = new Date();
    await this.db.transaction(async (tx) => {
      for (const v of versions) await tx.query(DENSITIES_SQL.lock_fit_version, [v]);
      for (let i = 0; i < rows.length; i += CHUNK) {
        const chunk = rows.slice(i, i + CHUNK).map((r) => ({ ...r, computedAt }));
        await tx.getRepository(DensityEntity).upsert(chunk, { conflictPaths: SUBJECT_KEY, skipUpdateIfNoValuesChanged: false });
      }
    });
  }

  async upsertEfficiency(runId: string, figures: readonly NewRunEfficiency[]): Promise<void> {
    if (figures.length === 0) return;
    const computedAt = new Date();
    // jsonb columns: TypeORM's deep-partial typing does not fit Record<string, unknown>
    const rows = figures.map((f) => ({ ...f, runId, computedAt })) as QueryDeepPartialEntity<RunEfficiencyEntity>[];
    await this.db.getRepository(RunEfficiencyEntity).upsert(rows, { conflictPaths: ['runId', 'benchmark'], skipUpdateIfNoValuesChanged: false });
  }

  /**
   * Per model and benchmark, the latest succeeded run's score in the benchmark's metric (`metrics`: benchmark key →
   * metric), and separately the latest imported one (in that metric first, else published without one).
   */
  async modelScores(metrics: Record<string, string>, modelIds?: readonly string[]): Promise<{ measured: SubjectScoreRow[]; imported: SubjectScoreRow[] }> {
    const params: unknown[] = [Object.keys(metrics), JSON.stringify(metrics)];
    if (modelIds) params.push(modelIds);
    const measured: SubjectScoreRow[] = await this.db.query(modelIds ? DENSITIES_SQL.measured_scores_of_models : DENSITIES_SQL.measured_scores, params);
    const imported: SubjectScoreRow[] = await this.db.query(modelIds ? DENSITIES_SQL.imported_scores_of_models : DENSITIES_SQL.imported_scores, params);
    return { measured, imported };
  }

  /** Parameter counts of models (a density's N). */
  modelSizes(modelIds: readonly string[]): Promise<Array<{ id: string; params: number }>> {
    return this.db.query(DENSITIES_SQL.model_sizes, [modelIds]);
  }

  /** Every succeeded run's scores in the benchmarks' metrics. */
  runScores(metrics: Record<string, string>): Promise<RunScoreRow[]> {
    return this.db.query(DENSITIES_SQL.run_scores, [Object.keys(metrics), JSON.stringify(metrics)]);
  }

  /** What each benchmark of a run used (its samples, on the shards' workers). */
  runUsage(runId: string): Promise<RunUsageRow[]> {
    return this.db.query(DENSITIES_SQL.run_usage, [runId]);
  }

  /** A run's densities against the latest fit version of each family it was measured against. */
  runFigures(runId: string): Promise<RunFigureRow[]> {
    return this.db.query(DENSITIES_SQL.run_figures, [runId]);
  }

  runEfficiency(runId: string): Promise<RunEfficiencyRow[]> {
    return this.db.query(DENSITIES_SQL.run_efficiency, [runId]);
  }
}
