import { Injectable } from '@nestjs/common';
import { DensityFitVersionEntity, DensityImportsRepository, DensityLeaderboardRepository, DensityReferenceEntity } from '@app/database';
import { ReferencesService } from '../references/references.service';
import { DensityCellDto, LeaderboardQueryDto, LeaderboardRowDto, ScoreSourceDto } from './dto/leaderboard.dto';

import type { ProjectScope } from '@app/auth';

export interface Leaderboard {
  reference: DensityReferenceEntity;
  version: DensityFitVersionEntity;
  rows: LeaderboardRowDto[];
  total: number;
}

/**
 * The density leaderboard: every model with densities against the family's latest fit version (stored by the
 * results service), its per-benchmark cells, and the efficiency figures of its latest succeeded run.
 */
@Injectable()
export class LeaderboardService {
  constructor(
    private readonly board: DensityLeaderboardRepository,
    private readonly imports: DensityImportsRepository,
    private readonly references: ReferencesService,
  ) {}

  async query(q: LeaderboardQueryDto, scope: ProjectScope): Promise<Leaderboard> {
    const { reference, version } = await this.references.resolveLatest(scope, q.reference);
    const benchmarks = q.benchmarks ?? [];
    const heads = await this.board.heads({
      fitVersionId: version.id,
      from: q.from ?? null,
      to: q.to ?? null,
      benchmarks,
      sort: q.sort,
      direction: q.order === 'asc' ? 'ASC' : 'DESC',
      limit: q.limit,
      offset: q.offset,
      projectId: scope.projectId,
    });
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
    const rows = await this.board.cells(versionId, modelIds, benchmarks);
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
    const imports = await this.imports.sources(importIds);
    for (const i of imports) out.set(`import:${i.id}`, { kind: 'import', id: i.id, format: i.format, fileName: i.fileName, source: i.source, importedAt: new Date(i.importedAt).toISOString() });
    for (const s of ids) if (s.startsWith('run:')) out.set(s, { kind: 'run', id: s.slice(4) });
    return out;
  }
}
