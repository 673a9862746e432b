import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '@app/auth';
import type { Principal } from '@app/auth';
import { ApiKeyEntity } from '@app/database';
import { CurrentPrincipal, Requires } from './auth.decorators';
import { CreatedKeyResponseDto, CreateKeyRequestDto, KeyResponseDto } from './dto/keys.dto';
import { KeysService } from './keys.service';
import { ProjectsService } from './projects.service';

export const keyDto = (k: ApiKeyEntity): KeyResponseDto => ({
  id: k.id,
  name: k.name,
  role: k.role as KeyResponseDto['role'],
  projectId: k.projectId,
  createdAt: k.createdAt.toISOString(),
  expiresAt: k.expiresAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

@ApiTags('keys')
@ApiBearerAuth()
@Requires(Permission.Admin)
@Controller('v1/keys')
export class KeysController {
  constructor(
    private readonly keys: KeysService,
    private readonly projects: ProjectsService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key (admins); the key is in the answer, once' })
  @ApiCreatedResponse({ type: CreatedKeyResponseDto })
  async create(@Body() dto: CreateKeyRequestDto, @CurrentPrincipal() by: Principal): Promise<CreatedKeyResponseDto> {
    const projectId = dto.project === undefined ? null : (await this.projects.find(dto.project)).id;
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    const { key, plaintext } = await this.keys.create({ name: dto.name, role: dto.role, projectId, expiresAt, createdBy: by.keyId });
    return { ...keyDto(key), key: plaintext };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never their secrets)' })
  @ApiOkResponse({ type: [KeyResponseDto] })
  async list(): Promise<KeyResponseDto[]> {
    return (await this.keys.list()).map(keyDto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API key: refused from the next request on, on every API process' })
  @ApiOkResponse({ type: KeyResponseDto })
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<KeyResponseDto> {
    return keyDto(await this.keys.revoke(id));
  }
}
