import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { invalidInput, notFound } from '@app/contracts';
import { BenchmarkCatalog } from './benchmark-catalog.service';

import type { ProjectScope } from '@app/auth';
import { Scope } from '../auth/auth.decorators';

@ApiTags('benchmarks')
@Controller('v1/benchmarks')
export class BenchmarksController {
  constructor(private readonly catalog: BenchmarkCatalog) {}

  /** Every task and group with its settings: dataset, splits, few-shot, metrics, filters, version, hash. */
  @Get()
  @ApiOkResponse({ description: 'tasks and groups', schema: { type: 'object', example: { tasks: [{ name: 'arc_easy', outputType: 'multiple_choice', numFewshot: 0 }], groups: [{ name: 'mmlu', tasks: ['mmlu_stem'] }] } } })
  @ApiOperation({ summary: 'List tasks and groups with their settings' })
  async list(@Scope() scope: ProjectScope): Promise<ReturnType<BenchmarkCatalog['registry']['describe']>> {
    const all = this.catalog.registry.describe();
    const hidden = await this.catalog.hiddenNames(scope);
    return { ...all, tasks: all.tasks.filter((t) => !hidden.has(t.name)), groups: all.groups.filter((g) => !hidden.has(g.name)) };
  }

  /**
   * One task or group: its settings and the YAML that defines it (`yaml`; for built-ins the file in
   * libs/benchmarks/tasks). With `Accept: application/yaml` or `?format=yaml`, the YAML text itself:
   * copy it, change the task name and what else, and POST it back as a new task.
   */
  @Get(':name')
  @ApiParam({ name: 'name', example: 'arc_easy' })
  @ApiProduces('application/json', 'application/yaml')
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'yaml'] })
  @ApiOperation({ summary: 'A task or group with its YAML (or the YAML alone)' })
  async get(@Param('name') name: string, @Scope() scope: ProjectScope, @Headers('accept') accept: string | undefined, @Query('format') format: string | undefined, @Res({ passthrough: true }) res: FastifyReply): Promise<unknown> {
    await this.catalog.ensureVisible([name], scope);
    const all = this.catalog.registry.describe();
    const found = [...all.tasks, ...all.groups].find((t) => t.name === name);
    if (!found) throw notFound('benchmark', name);
    const source = this.catalog.registry.source(name);
    if (format === 'yaml' || (format === undefined && /\b(application|text)\/(x-)?yaml\b/.test(accept ?? ''))) {
      res.type('application/yaml');
      return source?.yaml ?? '';
    }
    return { ...found, yaml: source?.yaml ?? null, file: source?.file ?? null };
  }

  /**
   * Registers an lm-evaluation-harness style YAML task (or group). The YAML is validated, its data
   * loaded and its first documents rendered before it is accepted; errors name the task, the field
   * and the line.
   */
  @Post()
  @HttpCode(201)
  @ApiConsumes('application/yaml', 'text/yaml', 'text/plain')
  @ApiBody({ schema: { type: 'string', example: 'task: my_task\ndataset_path: json\n…' } })
  @ApiQuery({ name: 'replace', required: false, description: 'replace a custom task of the same name' })
  @ApiOkResponse({ description: 'the tasks and groups defined' })
  @ApiOperation({ summary: 'Register a task or group from lm-eval style YAML' })
  async register(@Body() body: unknown, @Scope() scope: ProjectScope, @Headers('content-type') type: string | undefined, @Query('replace') replace?: string) {
    if (typeof body !== 'string' || body.trim() === '') {
      throw invalidInput(`send the task as YAML text (Content-Type: application/yaml), got ${type ?? 'no content type'}`);
    }
    return this.catalog.register(body, replace === 'true' || replace === '1', scope);
  }
}
