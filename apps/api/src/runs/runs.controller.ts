import { Body, Controller, Get, Headers, HttpCode, MessageEvent, Param, ParseUUIDPipe, Post, Query, Sse } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { invalidInput } from '@app/contracts';
import { CreateRunRequestDto } from './dto/create-run.dto';
import { ListRunsQueryDto } from './dto/list-runs.dto';
import { RescoreRunRequestDto } from './dto/rescore-run.dto';
import { CreateRunResponseDto, RunListResponseDto, RunResponseDto } from './dto/run-response.dto';
import { RunStreamService } from './events/run-stream.service';
import { RunViewService } from './run-view.service';
import { ListSamplesQueryDto, SampleListResponseDto } from './samples/list-samples.dto';
import { RunSamplesService } from './samples/run-samples.service';
import { RunsService } from './runs.service';

import type { ProjectScope } from '@app/auth';
import { Scope } from '../auth/auth.decorators';

@ApiTags('runs')
@Controller('v1/runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly views: RunViewService,
    private readonly samples: RunSamplesService,
    private readonly streams: RunStreamService,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit a run', description: 'A model over benchmarks (limit, few-shot), sharded onto a worker pool\'s queue.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'retrying with the same key returns the same run' })
  @ApiAcceptedResponse({ type: CreateRunResponseDto })
  async create(@Body() dto: CreateRunRequestDto, @Scope() scope: ProjectScope, @Headers('idempotency-key') key?: string): Promise<CreateRunResponseDto> {
    if (key !== undefined && (key.length < 1 || key.length > 200)) throw invalidInput('Idempotency-Key must be 1-200 characters');
    const { run, shards, samples } = await this.runs.create(dto, scope, key);
    return { id: run.id, status: run.status, shards, samples };
  }

  @Get()
  @ApiOperation({ summary: 'List runs', description: 'Newest first; filters by status, model (name or id), pool, benchmark and creation date.' })
  @ApiOkResponse({ type: RunListResponseDto })
  async list(@Query() q: ListRunsQueryDto, @Scope() scope: ProjectScope): Promise<RunListResponseDto> {
    const [items, total, totalExact] = await this.runs.list(q, scope);
    return { items: items.map((r) => this.views.summary(r)), total, totalExact, limit: q.limit, offset: q.offset };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A run: progress per benchmark, metrics with stderr, tokens, density' })
  @ApiOkResponse({ type: RunResponseDto })
  async get(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<RunResponseDto> {
    return this.views.view(await this.runs.get(id, scope));
  }

  @Sse(':id/events')
  @ApiOperation({
    summary: 'Live progress of a run (server-sent events)',
    description: 'event `run`: the body of GET /v1/runs/:id, at once and after each change (no polling); event `end` when the run has ended, then the stream closes.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ content: { 'text/event-stream': { schema: { type: 'string' }, example: 'event: run\ndata: {"id":"…","status":"running","progress":{"done":30,"total":60},…}\n\nevent: end\ndata: {"status":"succeeded"}\n\n' } } })
  async events(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<Observable<MessageEvent>> {
    return this.streams.stream(id, scope);
  }

  @Get(':id/samples')
  @ApiOperation({ summary: 'Per-sample records of a run', description: 'Prompt, target, response, filtered answer and metrics; paged, searchable with q.' })
  @ApiOkResponse({ type: SampleListResponseDto })
  async listSamples(@Param('id', ParseUUIDPipe) id: string, @Query() q: ListSamplesQueryDto, @Scope() scope: ProjectScope): Promise<SampleListResponseDto> {
    return this.samples.list(id, q, scope);
  }

  /** A new run over the source's model and benchmarks, answered by the replay of its stored outputs (no model, no GPU). */
  @Post(':id/rescore')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-score a succeeded run from its stored outputs (no model, no GPU)' })
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
  @ApiOperation({ summary: 'Cancel a queued or running run' })
  @ApiOkResponse({ type: RunResponseDto })
  async cancel(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<RunResponseDto> {
    return this.views.view(await this.runs.cancel(id, scope));
  }
}
