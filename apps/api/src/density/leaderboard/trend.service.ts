import { Injectable } from '@nestjs/common';
import { DensityFitVersionEntity, DensityReferenceEntity, TrendPoint } from '@app/database';
import { DensityTrend, FrontierRule } from '@app/density';
import { LeaderboardReader } from '@app/density-reports';
import type { ProjectScope } from '@app/auth';
import { ReferencesService } from '../references/references.service';
import { TrendQueryDto } from './dto/trend.dto';

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
@Injectable()
export class TrendService {
  constructor(
    private readonly reader: LeaderboardReader,
    private readonly references: ReferencesService,
  ) {}

  async trend(q: TrendQueryDto, scope: ProjectScope): Promise<TrendResult> {
    const { reference, version } = await this.references.resolveLatest(scope, q.reference);
    const frontier = (q.frontier ?? reference.frontierRule) as FrontierRule;
    return { reference, version, ...(await this.reader.trend(version.id, { from: q.from, to: q.to, frontier }, scope.projectId)) };
  }
}
