import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DensityFitVersionEntity, DensityReferenceEntity } from '@app/database';
import { ReferencesService } from '../references/references.service';
import { DensityCellDto, LeaderboardQueryDto, LeaderboardRowDto, ScoreSourceDto, SortKey } from './dto/leaderboard.dto';

import type { ProjectScope } from '@app/auth';

const AVERAGE = 'AVERAGE';

/** Sort key → SQL column of the ranked rows (a fixed map: nothing from the request reaches the SQL text). */
const SORT_COLUMNS: Record<SortKey, string> = {
  density: 'density',
  effectiveParams: 'effective_params',
  score: 'score',
  params: 'params',
  tokenValue: 'score_per_1k_output_tokens',
  costDensity: 'score_per_dollar',
  computeDensity: 'score_per_tflop',
  releaseDate: 'release_date',
};

type HeadRow = {
  model_id: string; name: string; params: number; active_params: number | null; release_date: string | null;
  score: number | null; effective_params: number | null; density: number | null; undefined_reason: string | null; message: string | null;
  run_id: string | null; score_per_1k_output_tokens: number | null; score_per_dollar: number | null; score_per_tflop: number | null;
  token_value: unknown; cost_density: unknown; compute_density: unknown; rank: string | null; total: string;
};

export interface Leaderboard {
  reference: DensityReferenceEntity;
  version: DensityFitVersionEntity;
  rows: LeaderboardRowDto[];
  total: number;
}

/**
 * Ranked leaderboard rows of fit version $1: release dates in [$2, $3], models with a score on every
 * benchmark of $4, sorted by `column` (from SORT_COLUMNS only), page $5/$6; models of project $7 and built-in ones
 * (every model when $7 is null). Exported for bench/aggregation.
 */
export const leaderboardSql = (column: string, direction: 'ASC' | 'DESC'): string =>
  `WITH eff AS (
         SELECT DISTINCT ON (r.model_id) r.model_id, r.id AS run_id, e.score_per_1k_output_tokens, e.score_per_dollar, e.score_per_tflop,
                e.token_value, e.cost_density, e.compute_density
           FROM runs r JOIN run_efficiency e ON e.run_id = r.id AND e.benchmark = 'ALL'
          WHERE r.status = 'succeeded' ORDER BY r.model_id, r.finished_at DESC NULLS LAST
       ), board AS (
         SELECT m.id AS model_id, m.name, m.params_total::float8 AS params, m.params_active::float8 AS active_params,
                to_char(m.release_date, 'YYYY-MM-DD') AS release_date, d.score, d.effective_params, d.density, d.undefined_reason, d.message,
                eff.run_id, eff.score_per_1k_output_tokens, eff.score_per_dollar, eff.score_per_tflop, eff.token_value, eff.cost_density, eff.compute_density
           FROM densities d JOIN models m ON m.id = d.model_id LEFT JOIN eff ON eff.model_id = m.id
          WHERE d.fit_version_id = $1 AND d.subject_kind = 'model' AND d.benchmark = '${AVERAGE}'
            AND ($2::date IS NULL OR m.release_date >= $2::date) AND ($3::date IS NULL OR m.release_date <= $3::date)
            AND ($7::uuid IS NULL OR m.project_id = $7::uuid OR m.project_id IS NULL)
            AND NOT EXISTS (
              SELECT 1 FROM unnest($4::text[]) AS wanted(benchmark)
               WHERE NOT EXISTS (SELECT 1 FROM densities x WHERE x.fit_version_id = $1 AND x.subject_kind = 'model'
                                   AND x.subject_id = m.id AND x.benchmark = wanted.benchmark AND x.score IS NOT NULL))
       )
       SELECT *, CASE WHEN density IS NULL THEN NULL ELSE rank() OVER (ORDER BY density DESC NULLS LAST) END AS rank, count(*) OVER () AS total
         FROM board ORDER BY ${column} ${direction} NULLS LAST, name ASC LIMIT $5 OFFSET $6`;

/** Per-benchmark density cells of models $2 in fit version $1 (only benchmarks $3 when not empty). Exported for bench/aggregation. */
export const LEADERBOARD_CELLS_SQL = `SELECT subject_id AS "modelId", benchmark, metric, score, score_source AS "scoreSource", effective_params AS "effectiveParams",
              density, undefined_reason AS "undefinedReason", message
         FROM densities
        WHERE fit_version_id = $1 AND subject_kind = 'model' AND subject_id = ANY($2) AND benchmark <> '${AVERAGE}'
          AND (cardinality($3::text[]) = 0 OR benchmark = ANY($3))
        ORDER BY benchmark`;

/**
 * The density leaderboard: every model with densities against the family's latest fit version (stored by the
 * results service), its per-benchmark cells, and the efficiency figures of its latest succeeded run.
 */
@Injectable()
export class LeaderboardService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly references: ReferencesService,
  ) {}

  async query(q: LeaderboardQueryDto, scope: ProjectScope): Promise<Leaderboard> {
    const { reference, version } = await this.references.resolveLatest(scope, q.reference);
    const benchmarks = q.benchmarks ?? [];
    const column = SORT_COLUMNS[q.sort];
    const direction = q.order === 'asc' ? 'ASC' : 'DESC';
    const heads: HeadRow[] = await this.db.query(
      leaderboardSql(column, direction),
      [version.id, q.from ?? null, q.to ?? null, benchmarks, q.limit, q.offset, scope.projectId],
    );
    const cells = await this.cells(version.id, heads.map((h) => h.model_id), benchmarks);
    const sources = await this.sources(cells);
    const rows = heads.map((h): LeaderboardRowDto => {
      const own = cells.get(h.model_id) ?? {};
      const ids = new Set(Object.values(own).map((c) => c.scoreSource).filter((s): s is string => !!s));
      return {
        rank: h.rank === null ? null : Number(h.rank),
        modelId: h.model_id,
        model: h.name,
        params: h.params,
        activeParams: h.active_params,
        releaseDate: h.release_date,
        score: h.score,
        effectiveParams: h.effective_params,
        density: h.density,
        densityUndefinedReason: h.undefined_reason,
        densityMessage: h.message,
        benchmarks: own,
        tokenValue: h.score_per_1k_output_tokens,
        costDensity: h.score_per_dollar,
        computeDensity: h.score_per_tflop,
        efficiency: h.run_id ? { runId: h.run_id, tokenValue: h.token_value, costDensity: h.cost_density, computeDensity: h.compute_density } : null,
        sources: [...ids].sort().map((id) => sources.get(id)!).filter(Boolean),
      };
    });
    return { reference, version, rows, total: heads.length ? Number(heads[0].total) : 0 };
  }

  /** model → benchmark → cell (only the wanted benchmarks when a set is given). */
  private async cells(versionId: string, modelIds: string[], benchmarks: string[]): Promise<Map<string, Record<string, DensityCellDto>>> {
    const out = new Map<string, Record<string, DensityCellDto>>();
    if (modelIds.length === 0) return out;
    const rows: Array<DensityCellDto & { modelId: string; benchmark: string }> = await this.db.query(
      LEADERBOARD_CELLS_SQL,
      [versionId, modelIds, benchmarks],
    );
    for (const { modelId, benchmark, ...cell } of rows) {
      const own = out.get(modelId) ?? {};
      own[benchmark] = cell;
      out.set(modelId, own);
    }
    return out;
  }

  /** 'run:<id>' / 'import:<id>' → what it is (imports with their file, source and time). */
  private async sources(cells: Map<string, Record<string, DensityCellDto>>): Promise<Map<string, ScoreSourceDto>> {
    const ids = new Set<string>();
    for (const own of cells.values()) for (const c of Object.values(own)) if (c.scoreSource) ids.add(c.scoreSource);
    const out = new Map<string, ScoreSourceDto>();
    const importIds = [...ids].filter((s) => s.startsWith('import:')).map((s) => s.slice(7));
    const imports: Array<{ id: string; format: string; fileName: string | null; source: string | null; importedAt: Date }> = importIds.length
      ? await this.db.query(`SELECT id, format, file_name AS "fileName", source, imported_at AS "importedAt" FROM density_imports WHERE id = ANY($1)`, [importIds])
      : [];
    for (const i of imports) out.set(`import:${i.id}`, { kind: 'import', id: i.id, format: i.format, fileName: i.fileName, source: i.source, importedAt: new Date(i.importedAt).toISOString() });
    for (const s of ids) if (s.startsWith('run:')) out.set(s, { kind: 'run', id: s.slice(4) });
    return out;
  }
}
