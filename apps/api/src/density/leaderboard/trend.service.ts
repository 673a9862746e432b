import { Injectable } from '@nestjs/common';
import { DensityFitVersionEntity, DensityLeaderboardRepository, DensityReferenceEntity, TrendPoint } from '@app/database';
import { DensityTrend, FrontierRule, fitDensityTrend } from '@app/density';
import { ReferencesService } from '../references/references.service';
import { TrendQueryDto } from './dto/trend.dto';

export type { TrendPoint };

export interface TrendResult {
  reference: DensityReferenceEntity;
  version: DensityFitVersionEntity;
  points: TrendPoint[];
  trend: DensityTrend;
}

/**
 * The Densing Law trend over the leaderboard: ln ρ_max = A·t + B on the models' headline densities against
 * their release dates (fitDensityTrend, seeded bootstrap CI). Too few points: DensityException → 422.
 */
import type { ProjectScope } from '@app/auth';

@Injectable()
export class TrendService {
  constructor(
    private readonly leaderboard: DensityLeaderboardRepository,
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
  points(versionId: string, scope: ProjectScope, from?: string, to?: string): Promise<TrendPoint[]> {
    return this.leaderboard.trendPoints(versionId, scope.projectId, from ?? null, to ?? null);
  }
}
