import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { LeaderboardFilterDto, SORT_KEYS } from '../../leaderboard/dto/leaderboard.dto';
import type { SortKey } from '../../leaderboard/dto/leaderboard.dto';
import { FRONTIER_RULES } from '../../references/dto/create-reference.dto';

/** A leaderboard query (as GET /v1/density/leaderboard) to build a report for. */
export class CreateReportRequestDto extends LeaderboardFilterDto {
  @ApiPropertyOptional({ enum: SORT_KEYS, default: 'density' }) @IsOptional() @IsIn(SORT_KEYS)
  sort: SortKey = 'density';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' }) @IsOptional() @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';

  @ApiPropertyOptional({ default: 500, minimum: 1, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit: number = 500;

  @ApiPropertyOptional({ default: 0, minimum: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  offset: number = 0;

  @ApiPropertyOptional({ enum: FRONTIER_RULES, description: 'trend frontier rule (default: the family\'s)' }) @IsOptional() @IsIn(FRONTIER_RULES)
  frontier?: (typeof FRONTIER_RULES)[number];

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 300)
  title?: string;
}

export class ReportFileDto {
  @ApiProperty({ example: 'score-vs-params.png' }) name!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty({ example: '/v1/density/reports/<id>/files/score-vs-params.png' }) downloadUrl!: string;
}

export class ReportResponseDto {
  @ApiProperty() id!: string;
  @ApiPropertyOptional({ nullable: true }) title!: string | null;
  @ApiPropertyOptional({ nullable: true }) referenceId!: string | null;
  @ApiPropertyOptional({ nullable: true }) fitVersionId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) query!: Record<string, unknown>;
  @ApiProperty({ type: [ReportFileDto] }) files!: ReportFileDto[];
  @ApiProperty({ description: 'rows, trend summary, and what could not be drawn and why', type: 'object', additionalProperties: true })
  summary!: Record<string, unknown>;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'], description: 'files and summary are there once succeeded' }) status!: string;
  @ApiPropertyOptional({ nullable: true, description: 'why it could not be built (failed)', type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } })
  error!: { code: string; message: string } | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true }) finishedAt!: string | null;
}

export class ReportListResponseDto {
  @ApiProperty({ type: [ReportResponseDto] }) items!: ReportResponseDto[];
  @ApiProperty() total!: number;
}
