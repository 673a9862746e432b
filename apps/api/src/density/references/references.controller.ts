import { Body, Controller, Get, Param, ParseIntPipe, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { CreateReferenceRequestDto } from './dto/create-reference.dto';
import { FitVersionResponseDto, ReferenceResponseDto } from './dto/reference-response.dto';
import { ReferenceFitService } from './reference-fit.service';
import { methodOf, referenceView } from './reference-view';
import { ReferencesService } from './references.service';

import type { ProjectScope } from '@app/auth';
import { Scope } from '../../auth/auth.decorators';

@ApiTags('density')
@Controller('v1/density/references')
export class ReferencesController {
  constructor(
    private readonly references: ReferencesService,
    private readonly fits: ReferenceFitService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: ReferenceResponseDto })
  @ApiOperation({ summary: 'Create a reference family (members and their measurements)' })
  async create(@Body() dto: CreateReferenceRequestDto, @Scope() scope: ProjectScope): Promise<ReferenceResponseDto> {
    const { reference, members, versions } = await this.references.create(dto, scope);
    return referenceView.reference(reference, { version: null, method: null }, members, versions);
  }

  @Get()
  @ApiOkResponse({ type: [ReferenceResponseDto] })
  @ApiOperation({ summary: 'List reference families' })
  async list(@Scope() scope: ProjectScope): Promise<ReferenceResponseDto[]> {
    return (await this.references.list(scope)).map((r) => referenceView.reference(r, { version: r.latestVersion, method: r.method }));
  }

  @Get(':id')
  @ApiOkResponse({ type: ReferenceResponseDto, description: 'the family with its members and its fit versions (newest first)' })
  @ApiOperation({ summary: 'A reference family with its members and fit versions' })
  async get(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<ReferenceResponseDto> {
    const { reference, members, versions } = await this.references.details(id, scope);
    return referenceView.reference(reference, { version: versions[0]?.version ?? null, method: versions[0] ? methodOf(versions[0]) : null }, members, versions);
  }

  @Get(':id/versions/:version')
  @ApiOkResponse({ type: FitVersionResponseDto })
  @ApiOperation({ summary: 'One fit version: curves, data points, quality' })
  async version(@Param('id', ParseUUIDPipe) id: string, @Param('version', ParseIntPipe) version: number, @Scope() scope: ProjectScope): Promise<FitVersionResponseDto> {
    return referenceView.version(await this.references.version(id, version, scope));
  }

  /** Fits the family and stores a new version; densities are then recomputed in the background. */
  @Post(':id/fit')
  @ApiCreatedResponse({ type: FitVersionResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'too few, degenerate or non-monotone data points (DENSITY_* error codes)' })
  @ApiOperation({ summary: 'Fit a reference family (a new version)' })
  async fit(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<FitVersionResponseDto> {
    const { version, recomputeJobId } = await this.fits.fit(id, scope);
    return referenceView.version(version, recomputeJobId);
  }
}
