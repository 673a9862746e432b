import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListModelsQueryDto } from './dto/list-models.dto';
import { CreateModelRequestDto } from './dto/create-model.dto';
import { ModelListResponseDto, ModelResponseDto } from './dto/model-response.dto';
import { ModelsService } from './models.service';

@ApiTags('models')
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Post()
  @ApiCreatedResponse({ type: ModelResponseDto })
  @ApiOperation({ summary: 'Register a model (GGUF file, OpenAI-compatible server, or imported scores)' })
  async create(@Body() dto: CreateModelRequestDto): Promise<ModelResponseDto> {
    return ModelResponseDto.from(await this.models.create(dto));
  }

  @Get()
  @ApiOkResponse({ type: ModelListResponseDto })
  @ApiOperation({ summary: 'List models' })
  async list(@Query() q: ListModelsQueryDto): Promise<ModelListResponseDto> {
    const [items, total] = await this.models.list(q.limit, q.offset, q.name);
    return { items: items.map(ModelResponseDto.from), total };
  }

  @Get(':id')
  @ApiOkResponse({ type: ModelResponseDto })
  @ApiOperation({ summary: 'A model' })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<ModelResponseDto> {
    return ModelResponseDto.from(await this.models.get(id));
  }
}
