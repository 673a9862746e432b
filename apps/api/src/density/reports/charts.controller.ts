import type { ProjectScope } from '@app/auth';
import { Scope } from '../../auth/auth.decorators';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChartsResponseDto } from './dto/charts.dto';
import { CreateReportRequestDto } from './dto/report.dto';
import { ReportsService } from './reports.service';

@ApiTags('density')
@Controller('v1/density/charts')
export class ChartsController {
  constructor(private readonly reports: ReportsService) {}

  @Get()
  @ApiOperation({
    summary: 'Vega-Lite specs of the density plots',
    description: 'The specs a report draws for the same leaderboard query: score vs parameters (log axis, reference curve) and density vs release date (trend); nothing is stored.',
  })
  @ApiOkResponse({ type: ChartsResponseDto })
  async get(@Query() q: CreateReportRequestDto, @Scope() scope: ProjectScope): Promise<ChartsResponseDto> {
    const { reference, version, specs, skipped } = await this.reports.chartSpecs(q, scope);
    return {
      reference: { id: reference.id, name: reference.name, d0Tokens: reference.d0Tokens },
      fitVersion: { id: version.id, version: version.version },
      charts: specs.map((s) => ({ name: s.name, spec: s.spec as Record<string, unknown> })),
      skipped,
    };
  }
}
