import { Injectable } from '@nestjs/common';
import { DensityFitVersionEntity, DensityReferenceEntity } from '@app/database';
import { LeaderboardReader, LeaderboardRow } from '@app/density-reports';
import type { ProjectScope } from '@app/auth';
import { ReferencesService } from '../references/references.service';
import { LeaderboardQueryDto } from './dto/leaderboard.dto';

export interface Leaderboard {
  reference: DensityReferenceEntity;
  version: DensityFitVersionEntity;
  rows: LeaderboardRow[];
  total: number;
}

/**
 * The density leaderboard: every model with densities against the family's latest fit version (stored by the
 * results service), its per-benchmark cells, and the efficiency figures of its latest succeeded run.
 */
@Injectable()
export class LeaderboardService {
  constructor(
    private readonly reader: LeaderboardReader,
    private readonly references: ReferencesService,
  ) {}

  async query(q: LeaderboardQueryDto, scope: ProjectScope): Promise<Leaderboard> {
    const { reference, version } = await this.references.resolveLatest(scope, q.reference);
    return { reference, version, ...(await this.reader.rows(version.id, q, scope.projectId)) };
  }
}
