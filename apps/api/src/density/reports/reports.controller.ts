import type { ProjectScope } from '@app/auth';
import { Scope } from '../../auth/auth.decorators';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DensityReportEntity } from '@app/database';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { CreateReportRequestDto, ReportListResponseDto, ReportResponseDto } from './dto/report.dto';
import { ReportsService } from './reports.service';

const toDto = (r: DensityReportEntity): ReportResponseDto => ({
  id: r.id,
  title: r.title,
  referenceId: r.referenceId,
  fitVersionId: r.fitVersionId,
  query: r.query,
  files: r.files.map((f) => ({ name: f.name, contentType: f.contentType, sizeBytes: f.sizeBytes, downloadUrl: `/v1/density/reports/${r.id}/files/${f.name}` })),
  summary: r.summary,
  status: r.status,
  error: r.errorCode ? { code: r.errorCode, message: r.error ?? '' } : null,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

@ApiTags('density')
@Controller('v1/density/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** The results service builds it: poll the Location until the status is succeeded (its files) or failed (why). */
  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: ReportResponseDto,
    description: 'queued; once built: JSON, CSV, score-vs-params and density-vs-date (SVG + PNG), stored in S3',
    headers: { Location: { description: 'the report to poll', schema: { type: 'string' } } },
  })
  @ApiOperation({ summary: 'Build a density report (JSON, CSV, SVG/PNG plots) into S3, as a job' })
  async create(@Body() dto: CreateReportRequestDto, @Scope() scope: ProjectScope, @Res({ passthrough: true }) res: FastifyReply): Promise<ReportResponseDto> {
    const report = await this.reports.create(dto, scope);
    res.header('Location', `/v1/density/reports/${report.id}`);
    return toDto(report);
  }

  @Get()
  @ApiOkResponse({ type: ReportListResponseDto })
  @ApiOperation({ summary: 'List reports' })
  async list(@Query() q: PaginationQueryDto, @Scope() scope: ProjectScope): Promise<ReportListResponseDto> {
    const [items, total] = await this.reports.list(scope, q.limit, q.offset);
    return { items: items.map(toDto), total };
  }

  @Get(':id')
  @ApiOkResponse({ type: ReportResponseDto })
  @ApiOperation({ summary: 'A report and its files' })
  async get(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<ReportResponseDto> {
    return toDto(await this.reports.get(id, scope));
  }

  /** Streams a stored report file byte for byte. */
  @Get(':id/files/:name')
  @ApiParam({ name: 'name', example: 'score-vs-params.svg' })
  @ApiProduces('application/json', 'text/csv', 'image/svg+xml', 'image/png')
  @ApiOperation({ summary: 'Download a report file byte for byte' })
  async download(@Param('id', ParseUUIDPipe) id: string, @Param('name') name: string, @Scope() scope: ProjectScope, @Res() res: FastifyReply): Promise<void> {
    const { file, object } = await this.reports.open(id, name, scope);
    res.header('Content-Type', file.contentType).header('Content-Length', String(object.sizeBytes)).header('Content-Disposition', `attachment; filename="${file.name}"`);
    await res.send(object.body);
  }
}
