import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DensityEntity } from '../entities/density.entity';
import type { SqlStatements } from './sql';

/** Sort key → SQL column of the ranked rows (a fixed map: nothing from the request reaches the SQL text). */
export const LEADERBOARD_SORT_COLUMNS = {
  density: 'density',
  effectiveParams: 'effective_params',
  score: 'score',
  params: 'params',
  tokenValue: 'score_per_1k_output_tokens',
  costDensity: 'score_per_dollar',
  computeDensity: 'score_per_tflop',
  releaseDate: 'release_date',
} as const;
export type LeaderboardSort = keyof typeof LEADERBOARD_SORT_COLUMNS;

/**
 * Ranked leaderboard rows of fit version $1: release dates in [$2, $3], models with a score on every benchmark of $4,
 * sorted by `sort` (a column of LEADERBOARD_SORT_COLUMNS), page $5/$6; models of project $7 and built-in ones (every
 * model when $7 is null).
 */
export const leaderboardSql = (sort: LeaderboardSort, direction: 'ASC' | 'DESC'): string => `
    WITH eff AS (
      SELECT DISTINCT ON (r.model_id) r.model_id, r.id AS run_id, e.score_per_1k_output_tokens, e.score_per_dollar, e.score_per_tflop,
             e.token_value, e.cost_density, e.compute_density
        FROM runs r JOIN run_efficiency e ON e.run_id = r.id AND e.benchmark = 'ALL'
       WHERE r.status = 'succeeded' ORDER BY r.model_id, r.finished_at DESC NULLS LAST
    ), board AS (
      SELECT m.id AS model_id, m.name, m.params_total::float8 AS params, m.params_active::float8 AS active_params,
             to_char(m.release_date, 'YYYY-MM-DD') AS release_date, d.score, d.effective_params, d.density, d.undefined_reason, d.message,
             eff.run_id, eff.score_per_1k_output_tokens, eff.score_per_dollar, eff.score_per_tflop, eff.token_value, eff.cost_density, eff.compute_density
        FROM densities d JOIN models m ON m.id = d.model_id LEFT JOIN eff ON eff.model_id = m.id
       WHERE d.fit_version_id = $1 AND d.subject_kind = 'model' AND d.benchmark = 'AVERAGE'
         AND ($2::date IS NULL OR m.release_date >= $2::date) AND ($3::date IS NULL OR m.release_date <= $3::date)
         AND ($7::uuid IS NULL OR m.project_id = $7::uuid OR m.project_id IS NULL)
         AND NOT EXISTS (
           SELECT 1 FROM unnest($4::text[]) AS wanted(benchmark)
            WHERE NOT EXISTS (SELECT 1 FROM densities x WHERE x.fit_version_id = $1 AND x.subject_kind = 'model'
                                AND x.subject_id = m.id AND x.benchmark = wanted.benchmark AND x.score IS NOT NULL))
    )
    SELECT *, CASE WHEN density IS NULL THEN NULL ELSE rank() OVER (ORDER BY density DESC NULLS LAST) END AS rank, count(*) OVER () AS total
      FROM board ORDER BY ${LEADERBOARD_SORT_COLUMNS[sort]} ${direction} NULLS LAST, name ASC LIMIT $5 OFFSET $6`;

export const DENSITY_LEADERBOARD_SQL = {
  leaderboard_by_density: leaderboardSql('density', 'DESC'),
  cells: `
    SELECT subject_id AS "modelId", benchmark, metric, score, score_source AS "scoreSource", effective_params AS "effectiveParams",
           density, undefined_reason AS "undefinedReason", message
      FROM densities
     WHERE fit_version_id = $1 AND subject_kind = 'model' AND subject_id = ANY($2) AND benchmark <> 'AVERAGE'
       AND (cardinality($3::text[]) = 0 OR benchmark = ANY($3))
     ORDER BY benchmark`,
  trend_points: `
    SELECT m.name AS model, to_char(m.release_date, 'YYYY-MM-DD') AS "releaseDate", d.density
      FROM densities d JOIN models m ON m.id = d.model_id
     WHERE d.fit_version_id = $1 AND d.subject_kind = 'model' AND d.benchmark = 'AVERAGE' AND d.density IS NOT NULL
       AND m.release_date IS NOT NULL AND ($2::date IS NULL OR m.release_date >= $2::date) AND ($3::date IS NULL OR m.release_date <= $3::date)
       AND ($4::uuid IS NULL OR m.project_id = $4::uuid OR m.project_id IS NULL)
     ORDER BY m.release_date, m.name`,
} satisfies SqlStatements;

/** One ranked model of the leaderboard: its headline density and its latest succeeded run's efficiency. */
export interface LeaderboardHeadRow {
  model_id: string; name: string; params: number; active_params: number | null; release_date: string | null;
  score: number | null; effective_params: number | null; density: number | null; undefined_reason: string | null; message: string | null;
  run_id: string | null; score_per_1k_output_tokens: number | null; score_per_dollar: number | null; score_per_tflop: number | null;
  token_value: unknown; cost_density: unknown; compute_density: unknown; rank: string | null; total: string;
}

export type LeaderboardCellRow = Pick<
  DensityEntity,
  'modelId' | 'benchmark' | 'metric' | 'score' | 'scoreSource' | 'effectiveParams' | 'density' | 'undefinedReason' | 'message'
>;

export interface TrendPoint {
  model: string;
  releaseDate: string;
  density: number;
}

export interface LeaderboardQuery {
  fitVersionId: string;
  from: string | null;
  to: string | null;
  /** Only models with a score on each of these (all models when empty). */
  benchmarks: readonly string[];
  sort: LeaderboardSort;
  direction: 'ASC' | 'DESC';
  limit: number;
  offset: number;
  /** Models of this project and built-in ones; every model when null. */
  projectId: string | null;
}

/** The reads behind the density leaderboard and the Densing Law trend (densities of one fit version, by model). */
@Injectable()
export class DensityLeaderboardRepository {
  constructor(private readonly db: DataSource) {}

  heads(q: LeaderboardQuery): Promise<LeaderboardHeadRow[]> {
    return this.db.query(leaderboardSql(q.sort, q.direction), [q.fitVersionId, q.from, q.to, q.benchmarks, q.limit, q.offset, q.projectId]);
  }

  /** Per-benchmark density cells of these models (only `benchmarks` when not empty). */
  async cells(fitVersionId: string, modelIds: readonly string[], benchmarks: readonly string[]): Promise<LeaderboardCellRow[]> {
    return modelIds.length ? this.db.query(DENSITY_LEADERBOARD_SQL.cells, [fitVersionId, modelIds, benchmarks]) : [];
  }

  /** Models with a defined headline density and a release date in [from, to]. */
  trendPoints(fitVersionId: string, projectId: string | null, from: string | null, to: string | null): Promise<TrendPoint[]> {
    return this.db.query(DENSITY_LEADERBOARD_SQL.trend_points, [fitVersionId, from, to, projectId]);
  }
}
