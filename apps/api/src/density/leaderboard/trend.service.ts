import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DensityFitVersionEntity, DensityReferenceEntity } from '@app/database';
import { DensityTrend, FrontierRule, fitDensityTrend } from '@app/density';
import { ReferencesService } from '../references/references.service';
import { TrendQueryDto } from './dto/trend.dto';

export interface TrendPoint {
  model: string;
  releaseDate: string;
  density: number;
}

export interface TrendResult {
  reference: DensityReferenceEntity;
  version: DensityFitVersionEntity;
  points: TrendPoint[];
  trend: DensityTrend;
}

/** Models with a headline density and a release date in [$2, $3] of fit version $1. Exported for bench/aggregation. */
export const TREND_POINTS_SQL = `SELECT m.name AS model, to_char(m.release_date, 'YYYY-MM-DD') AS "releaseDate", d.density
         FROM densities d JOIN models m ON m.id = d.model_id
        WHERE d.fit_version_id = $1 AND d.subject_kind = 'model' AND d.benchmark = 'AVERAGE' AND d.density IS NOT NULL
          AND m.release_date IS NOT NULL AND ($2::date IS NULL OR m.release_date >= $2::date) AND ($3::date IS NULL OR m.release_date <= $3::date)
          AND ($4::uuid IS NULL OR m.project_id = $4::uuid OR m.project_id IS NULL)
        ORDER BY m.release_date, m.name`;

/**
 * The Densing Law trend over the leaderboard: ln ρ_max = A·t + B on the models' headline densities against
 * their release dates (fitDensityTrend, seeded bootstrap CI). Too few points: DensityException → 422.
 */
import type { ProjectScope } from '@app/auth';

@Injectable()
export class TrendService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly references: ReferencesService,
  ) {}

  async trend(q: TrendQueryDto, scope: ProjectScope): Promise<TrendResult> {
    const { reference, version } = await this.references.resolveLatest(scope, q.reference);
    const points = await this.points(version.id, scope, q.from, q.to);
    const trend = fitDensityTrend(
      points.map((p) => ({ id: p.model, releaseDate: p.releaseDate, density: p.density })),
      { frontier: (q.frontier ?? reference.frontierRule) as FrontierRule },
    );
    return { reference, version, points, trend };
  }

  /** Models with a defined headline density and a release date in [from, to]. */
  async points(versionId: string, scope: ProjectScope, from?: string, to?: string): Promise<TrendPoint[]> {
    return this.db.query(
      TREND_POINTS_SQL,
      [versionId, from ?? null, to ?? null, scope.projectId],
    );
  }
}
