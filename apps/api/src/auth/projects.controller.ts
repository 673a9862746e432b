import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@app/auth';
import type { ProjectScope } from '@app/auth';
import { ProjectEntity } from '@app/database';
import { Requires, Scope } from './auth.decorators';
import { CreateProjectRequestDto, ProjectResponseDto } from './dto/keys.dto';
import { ProjectsService } from './projects.service';

const toDto = (p: ProjectEntity): ProjectResponseDto => ({ id: p.id, name: p.name, createdAt: new Date(p.createdAt).toISOString() });

@ApiTags('projects')
@ApiBearerAuth()
@Controller('v1/projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @Requires(Permission.Admin)
  @ApiOperation({ summary: 'Create a project (admins)' })
  @ApiCreatedResponse({ type: ProjectResponseDto })
  async create(@Body() dto: CreateProjectRequestDto): Promise<ProjectResponseDto> {
    return toDto(await this.projects.create(dto.name));
  }

  @Get()
  @ApiOperation({ summary: "Projects: every one for global keys, the key's own for project keys" })
  @ApiOkResponse({ type: [ProjectResponseDto] })
  async list(@Scope() scope: ProjectScope): Promise<ProjectResponseDto[]> {
    return (await this.projects.list(scope.projectId)).map(toDto);
  }
}
