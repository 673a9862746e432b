import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsEnum, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { RunStatus } from '@app/contracts';
import { PaginationQueryDto } from '../../common/pagination.dto';

/** Filters of the runs list; all optional, combined with AND. */
export class ListRunsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: RunStatus, example: 'running' }) @IsOptional() @IsEnum(RunStatus) status?: RunStatus;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() modelId?: string;
  @ApiPropertyOptional({ description: 'model name or id', example: 'stories260K' }) @IsOptional() @IsString() @Length(1, 200) model?: string;
  @ApiPropertyOptional({ example: 'cpu' }) @IsOptional() @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/) pool?: string;
  @ApiPropertyOptional({ description: 'runs that requested this benchmark or group', example: 'arc_easy' })
  @IsOptional() @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/) benchmark?: string;
  @ApiPropertyOptional({ description: 'created at or after (ISO 8601 date or time)', example: '2026-01-01' }) @IsOptional() @IsDateString() from?: string;
  @ApiPropertyOptional({ description: 'created before (ISO 8601; a date alone: the end of that day)', example: '2026-12-31' }) @IsOptional() @IsDateString() to?: string;
}
