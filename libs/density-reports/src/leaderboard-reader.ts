import { Injectable } from '@nestjs/common';
import { DensityImportsRepository, DensityLeaderboardRepository, LeaderboardSort, TrendPoint } from '@app/database';
import { DensityTrend, FrontierRule, fitDensityTrend } from '@app/density';

/** Which models and figures of a fit version: a benchmark set, a release date range, sorting and paging. */
export interface LeaderboardFilter {
  benchmarks?: string[];
  from?: string;
  to?: string;
  sort: LeaderboardSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface DensityCell {
  metric: string | null;
  score: number | null;
  scoreSource: string | null;
  effectiveParams: number | null;
  density: number | null;
  undefinedReason: string | null;
  message: string | null;
}

export interface ScoreSource {
  kind: 'run' | 'import';
  id: string;
  format?: string | null;
  fileName?: string | null;
  source?: string | null;
  importedAt?: string | null;
}

export interface LeaderboardRow {
  rank: number | null;
  modelId: string;
  model: string;
  params: number;
  activeParams: number | null;
  releaseDate: string | null;
  score: number | null;
  effectiveParams: number | null;
  density: number | null;
  densityUndefinedReason: string | null;
  densityMessage: string | null;
  benchmarks: Record<string, DensityCell>;
  tokenValue: number | null;
  costDensity: number | null;
  computeDensity: number | null;
  efficiency: Record<string, unknown> | null;
  sources: ScoreSource[];
}

/**
 * The density leaderboard and the Densing Law trend of one fit version, as the API shows them and a report draws
 * them: models of project `projectId` and built-in ones (every model when null).
 */
@Injectable()
export class LeaderboardReader {
  constructor(
    private readonly board: DensityLeaderboardRepository,
    private readonly imports: DensityImportsRepository,
  ) {}

  /** Every model with densities against the version, its per-benchmark cells, and its latest succeeded run's efficiency. */
  async rows(fitVersionId: string, q: LeaderboardFilter, projectId: string | null): Promise<{ rows: LeaderboardRow[]; total: number }> {
    const benchmarks = q.benchmarks ?? [];
    const heads = await this.board.heads({
      fitVersionId,
      from: q.from ?? null,
      to: q.to ?? null,
      benchmarks,
      sort: q.sort,
      direction: q.order === 'asc' ? 'ASC' : 'DESC',
      limit: q.limit,
      offset: q.offset,
      projectId,
    });
    const cells = await this.cells(fitVersionId, heads.map((h) => h.model_id), benchmarks);
    const sources = await this.sources(cells);
    const rows = heads.map((h): LeaderboardRow => {
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
    return { rows, total: heads.length ? Number(heads[0].total) : 0 };
  }

  /**
   * ln ρ_max = A·t + B on the models' headline densities against their release dates in [from, to] (fitDensityTrend,
   * seeded bootstrap CI). Too few points: DensityException.
   */
  async trend(fitVersionId: string, q: { from?: string; to?: string; frontier: FrontierRule }, projectId: string | null): Promise<{ points: TrendPoint[]; trend: DensityTrend }> {
    const points = await this.board.trendPoints(fitVersionId, projectId, q.from ?? null, q.to ?? null);
    const trend = fitDensityTrend(points.map((p) => ({ id: p.model, releaseDate: p.releaseDate, density: p.density })), { frontier: q.frontier });
    return { points, trend };
  }

  /** model → benchmark → cell (only the wanted benchmarks when a set is given). */
  private async cells(versionId: string, modelIds: string[], benchmarks: string[]): Promise<Map<string, Record<string, DensityCell>>> {
    const out = new Map<string, Record<string, DensityCell>>();
    for (const { modelId, benchmark, ...cell } of await this.board.cells(versionId, modelIds, benchmarks)) {
      const own = out.get(modelId) ?? {};
      own[benchmark] = cell;
      out.set(modelId, own);
    }
    return out;
  }

  /** 'run:<id>' / 'import:<id>' → what it is (imports with their file, source and time). */
  private async sources(cells: Map<string, Record<string, DensityCell>>): Promise<Map<string, ScoreSource>> {
    const ids = new Set<string>();
    for (const own of cells.values()) for (const c of Object.values(own)) if (c.scoreSource) ids.add(c.scoreSource);
    const out = new Map<string, ScoreSource>();
    const imports = await this.imports.sources([...ids].filter((s) => s.startsWith('import:')).map((s) => s.slice(7)));
    for (const i of imports) out.set(`import:${i.id}`, { kind: 'import', id: i.id, format: i.format, fileName: i.fileName, source: i.source, importedAt: new Date(i.importedAt).toISOString() });
    for (const s of ids) if (s.startsWith('run:')) out.set(s, { kind: 'run', id: s.slice(4) });
    return out;
  }
}
