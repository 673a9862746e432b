import type { ProjectScope } from '@app/auth';
import { Scope } from '../../auth/auth.decorators';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { methodOf } from '../references/reference-view';
import { DensityCellDto, LeaderboardQueryDto, LeaderboardResponseDto } from './dto/leaderboard.dto';
import { TrendQueryDto, TrendResponseDto } from './dto/trend.dto';
import { LeaderboardService } from './leaderboard.service';
import { TrendService } from './trend.service';
import { trendView } from './trend-view';

@ApiTags('density')
@ApiExtraModels(DensityCellDto)
@Controller('v1/density')
export class LeaderboardController {
  constructor(
    private readonly leaderboard: LeaderboardService,
    private readonly trends: TrendService,
  ) {}

  @Get('leaderboard')
  @ApiOkResponse({ type: LeaderboardResponseDto })
  @ApiOperation({ summary: 'The density leaderboard' })
  async get(@Query() q: LeaderboardQueryDto, @Scope() scope: ProjectScope): Promise<LeaderboardResponseDto> {
    const { reference, version, rows, total } = await this.leaderboard.query(q, scope);
    return {
      reference: { id: reference.id, name: reference.name, d0Tokens: reference.d0Tokens },
      fitVersion: { id: version.id, version: version.version, method: methodOf(version), createdAt: version.createdAt.toISOString() },
      sort: q.sort,
      order: q.order,
      total,
      limit: q.limit,
      offset: q.offset,
      items: rows,
    };
  }

  @Get('trend')
  @ApiOkResponse({ type: TrendResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'fewer than two frontier points, or a single release date' })
  @ApiOperation({ summary: 'The density trend over release dates and its doubling time' })
  async trend(@Query() q: TrendQueryDto, @Scope() scope: ProjectScope): Promise<TrendResponseDto> {
    return trendView(await this.trends.trend(q, scope));
  }
}
