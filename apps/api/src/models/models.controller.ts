import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListModelsQueryDto } from './dto/list-models.dto';
import { CreateModelRequestDto } from './dto/create-model.dto';
import { ModelListResponseDto, ModelResponseDto } from './dto/model-response.dto';
import { ModelsService } from './models.service';

import type { ProjectScope } from '@app/auth';
import { Scope } from '../auth/auth.decorators';

@ApiTags('models')
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Post()
  @ApiCreatedResponse({ type: ModelResponseDto })
  @ApiOperation({ summary: 'Register a model (GGUF file, OpenAI-compatible server, or imported scores)' })
  async create(@Body() dto: CreateModelRequestDto, @Scope() scope: ProjectScope): Promise<ModelResponseDto> {
    return ModelResponseDto.from(await this.models.create(dto, scope));
  }

  @Get()
  @ApiOkResponse({ type: ModelListResponseDto })
  @ApiOperation({ summary: 'List models' })
  async list(@Query() q: ListModelsQueryDto, @Scope() scope: ProjectScope): Promise<ModelListResponseDto> {
    const [items, total] = await this.models.list(scope, q.limit, q.offset, q.name);
    return { items: items.map(ModelResponseDto.from), total };
  }

  @Get(':id')
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiOperation({ summary: 'A model' })
  async get(@Param('id', ParseUUIDPipe) id: string, @Scope() scope: ProjectScope): Promise<ModelResponseDto> {
    return ModelResponseDto.from(await this.models.get(id, scope));
  }
}
