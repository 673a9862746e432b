import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDateString, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Permission } from '@app/auth';
import type { Principal } from '@app/auth';
import { EnrollmentTokenEntity } from '@app/database';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import { EnrollmentTokensService } from './enrollment-tokens.service';

export class CreateEnrollmentTokenDto {
  @ApiProperty({ example: 'gpu-rack-3' }) @IsString() @Length(1, 100) name!: string;
  @ApiPropertyOptional({ example: '2027-01-01T00:00:00Z' }) @IsOptional() @IsDateString() expiresAt?: string;
  @ApiPropertyOptional({ type: [String], example: ['a100'], description: 'pools workers enrolled with it may serve (default: any)' })
  @IsOptional() @IsArray() @ArrayMaxSize(32) @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { each: true, message: 'each pool must be lowercase letters, digits, - or _' })
  pools?: string[];
}

export class EnrollmentTokenDto {
  @ApiProperty({ example: '3f1c2b7e-8d4a-4c1e-9b6f-2a7d5e9c0b11' }) id!: string;
  @ApiProperty({ example: 'ci-bot' }) name!: string;
  @ApiProperty({ type: [String], nullable: true }) pools!: string[] | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) expiresAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;
}

export class CreatedEnrollmentTokenDto extends EnrollmentTokenDto {
  @ApiProperty({ description: 'the token, shown this once: give it to the worker machine as ENROLLMENT_TOKEN' }) token!: string;
}

const toDto = (t: EnrollmentTokenEntity): EnrollmentTokenDto => ({
  id: t.id,
  name: t.name,
  pools: t.pools,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

@ApiTags('workers')
@ApiBearerAuth()
@Requires(Permission.Operate)
@Controller('v1/enrollment-tokens')
export class EnrollmentTokensController {
  constructor(private readonly tokens: EnrollmentTokensService) {}

  @Post()
  @ApiOperation({ summary: 'Create an enrollment token for worker machines (operators); shown once' })
  @ApiCreatedResponse({ type: CreatedEnrollmentTokenDto })
  async create(@Body() dto: CreateEnrollmentTokenDto, @CurrentPrincipal() by: Principal): Promise<CreatedEnrollmentTokenDto> {
    const { token, plaintext } = await this.tokens.create(dto.name, dto.expiresAt ? new Date(dto.expiresAt) : null, dto.pools ?? null, by.keyId);
    return { ...toDto(token), token: plaintext };
  }

  @Get()
  @ApiOperation({ summary: 'List enrollment tokens (never their secrets)' })
  @ApiOkResponse({ type: [EnrollmentTokenDto] })
  async list(): Promise<EnrollmentTokenDto[]> {
    return (await this.tokens.list()).map(toDto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an enrollment token: no new worker enrolls with it (enrolled workers keep their own credentials)' })
  @ApiOkResponse({ type: EnrollmentTokenDto })
  async revoke(@Param('id', ParseUUIDPipe) id: string): Promise<EnrollmentTokenDto> {
    return toDto(await this.tokens.revoke(id));
  }
}
