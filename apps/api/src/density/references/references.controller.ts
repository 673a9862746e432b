import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreateReferenceRequestDto } from './dto/create-reference.dto';
import { FitRequestResponseDto, FitVersionResponseDto, ReferenceResponseDto } from './dto/reference-response.dto';
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

  /**
   * Asks the results service to fit the family (a new version; densities are then recomputed against it). Poll the
   * Location until the status is succeeded (the version) or failed (why: too few, degenerate or non-monotone points).
   */
  @Post(':id/fit')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: FitRequestResponseDto, headers: { Location: { description: 'the fit request to poll', schema: { type: 'string' } } } })
  @ApiOperation({ summary: 'Fit a reference family (a new version), as a job' })
  async fit(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope, @Res({ passthrough: true }) res: FastifyReply): Promise<FitRequestResponseDto> {
    const { fit, version } = await this.fits.request(id, scope);
    res.header('Location', `/v1/density/references/${id}/fits/${fit.id}`);
    return referenceView.fit(fit, version);
  }

  @Get(':id/fits/:fitId')
  @ApiOkResponse({ type: FitRequestResponseDto, description: 'queued | running | succeeded (with the version) | failed (with the reason)' })
  @ApiOperation({ summary: 'A fit request: its status, the version it stored or why it failed' })
  async fitStatus(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('fitId', ParseUUIDPipe) fitId: string,
    @Scope() scope: ProjectScope,
  ): Promise<FitRequestResponseDto> {
    const { fit, version } = await this.fits.get(id, fitId, scope);
    return referenceView.fit(fit, version);
  }
}
