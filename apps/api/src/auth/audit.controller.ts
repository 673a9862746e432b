import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Permission } from '@app/auth';
import { AuditLogRepository } from '@app/database';
import { Requires } from './auth.decorators';

export class AuditQueryDto {
  @ApiPropertyOptional({ example: 'POST /v1/runs', description: 'actions starting with this text' })
  @IsOptional() @IsString() @MaxLength(200) action?: string;
  @ApiPropertyOptional({ description: 'entries before this id (the next page)' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) before?: number;
  @ApiPropertyOptional({ default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit: number = 100;
}

export class AuditEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ enum: ['key', 'worker', 'anonymous'] }) actorKind!: string;
  @ApiProperty({ nullable: true, type: String }) actorId!: string | null;
  @ApiProperty({ nullable: true, type: String }) actorName!: string | null;
  @ApiProperty({ nullable: true, type: String }) projectId!: string | null;
  @ApiProperty({ example: 'POST /v1/runs/:id/cancel' }) action!: string;
  @ApiProperty({ nullable: true, type: String }) targetId!: string | null;
  @ApiProperty() status!: number;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
}

@ApiTags('audit')
@ApiBearerAuth()
@Requires(Permission.Admin)
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly auditLog: AuditLogRepository) {}

  @Get()
  @ApiOperation({ summary: 'The audit log, newest first (admins): who did what, when, from where' })
  @ApiOkResponse({ type: [AuditEntryDto] })
  async list(@Query() q: AuditQueryDto): Promise<AuditEntryDto[]> {
    const entries = await this.auditLog.list({ action: q.action || undefined, before: q.before, limit: q.limit });
    return entries.map((a) => ({ ...a, at: a.at.toISOString() }));
  }
}
