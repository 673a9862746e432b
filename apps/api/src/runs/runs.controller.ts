import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { invalidInput } from '@app/contracts';
import { CreateRunRequestDto } from './dto/create-run.dto';
import { ListRunsQueryDto } from './dto/list-runs.dto';
import { RescoreRunRequestDto } from './dto/rescore-run.dto';
import { CreateRunResponseDto, RunListResponseDto, RunResponseDto } from './dto/run-response.dto';
import { RunViewService } from './run-view.service';
import { RunsService } from './runs.service';

import type { ProjectScope } from '@app/auth';
import { Scope } from '../auth/auth.decorators';

@ApiTags('runs')
@Controller('v1/runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly views: RunViewService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'retrying with the same key returns the same run' })
  @ApiAcceptedResponse({ type: CreateRunResponseDto })
  async create(@Body() dto: CreateRunRequestDto, @Scope() scope: ProjectScope, @Headers('idempotency-key') key?: string): Promise<CreateRunResponseDto> {
    if (key !== undefined && (key.length < 1 || key.length > 200)) throw invalidInput('Idempotency-Key must be 1-200 characters');
    const { run, shards, samples } = await this.runs.create(dto, scope, key);
    return { id: run.id, status: run.status, shards, samples };
  }

  @Get()
  @ApiOkResponse({ type: RunListResponseDto })
  async list(@Query() q: ListRunsQueryDto, @Scope() scope: ProjectScope): Promise<RunListResponseDto> {
    const [items, total] = await this.runs.list(q, scope);
    return { items: items.map((r) => this.views.summary(r)), total, limit: q.limit, offset: q.offset };
  }

  @Get(':id')
  @ApiOkResponse({ type: RunResponseDto })
  async get(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<RunResponseDto> {
    return this.views.view(await this.runs.get(id, scope));
  }

  /** A new run over the source's model and benchmarks, answered by the replay of its stored outputs (no model, no GPU). */
  @Post(':id/rescore')
  @HttpCode(202)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'retrying with the same key returns the same run' })
  @ApiAcceptedResponse({ type: CreateRunResponseDto })
  async rescore(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RescoreRunRequestDto,
    @Scope() scope: ProjectScope,
    @Headers('idempotency-key') key?: string,
  ): Promise<CreateRunResponseDto> {
    if (key !== undefined && (key.length < 1 || key.length > 200)) throw invalidInput('Idempotency-Key must be 1-200 characters');
    const { run, shards, samples } = await this.runs.rescore(id, dto, scope, key);
    return { id: run.id, status: run.status, shards, samples };
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: RunResponseDto })
  async cancel(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<RunResponseDto> {
    return this.views.view(await this.runs.cancel(id, scope));
  }
}
