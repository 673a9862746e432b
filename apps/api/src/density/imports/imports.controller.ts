import type { ProjectScope } from '@app/auth';
import { Scope } from '../../auth/auth.decorators';
import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DensityImportEntity } from '@app/database';
import { ImportListResponseDto, ImportQueryDto, ImportResponseDto, ImportedModelDto, ListImportsQueryDto } from './dto/import.dto';
import { ImportsService } from './imports.service';

const toDto = (r: DensityImportEntity, models?: ImportedModelDto[], recomputeJobIds?: string[]): ImportResponseDto => ({
  id: r.id,
  format: r.format,
  fileName: r.fileName,
  source: r.source,
  importedAt: r.importedAt.toISOString(),
  provenance: r.provenance,
  ...(models ? { models } : {}),
  ...(recomputeJobIds ? { recomputeJobIds } : {}),
});

@ApiTags('density')
@Controller('v1/density/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** The body is validated by the lm-eval / CSV parsers (errors name the field or the CSV line and column). */
  @Post()
  @ApiConsumes('application/json', 'text/csv')
  @ApiBody({ description: 'an lm-evaluation-harness results_*.json (or { file, model, fileName, source }), or a CSV of published scores' })
  @ApiCreatedResponse({ type: ImportResponseDto })
  @ApiOperation({ summary: 'Import published scores (lm-eval results JSON or a CSV table)' })
  async create(@Body() body: unknown, @Headers('content-type') contentType: string | undefined, @Query() q: ImportQueryDto, @Scope() scope: ProjectScope): Promise<ImportResponseDto> {
    const { record, models, recomputeJobIds } = await this.imports.import(body, contentType, q, scope);
    return toDto(record, models, recomputeJobIds);
  }

  @Get()
  @ApiOkResponse({ type: ImportListResponseDto })
  @ApiOperation({ summary: 'List imports' })
  async list(@Query() q: ListImportsQueryDto, @Scope() scope: ProjectScope): Promise<ImportListResponseDto> {
    const [items, total] = await this.imports.list(scope, q.limit, q.offset);
    return { items: items.map((r) => toDto(r)), total };
  }

  @Get(':id')
  @ApiOkResponse({ type: ImportResponseDto })
  @ApiOperation({ summary: 'An import with its models and scores' })
  async get(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<ImportResponseDto> {
    const { record, models } = await this.imports.get(id, scope);
    return toDto(record, models);
  }
}
