import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { FRONTIER_RULES } from '../../references/dto/create-reference.dto';

export class TrendQueryDto {
  @ApiPropertyOptional({ description: 'reference family id or name (default as for the leaderboard)' })
  @IsOptional() @IsString() @Length(1, 200)
  reference?: string;

  @ApiPropertyOptional({ example: '2023-01-01' }) @IsOptional() @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2025-12-31' }) @IsOptional() @IsDateString({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: FRONTIER_RULES, description: 'default: the family\'s rule (record = the envelope\'s vertices)' })
  @IsOptional() @IsIn(FRONTIER_RULES)
  frontier?: (typeof FRONTIER_RULES)[number];
}

export class TrendPointDto {
  @ApiProperty() model!: string;
  @ApiProperty() releaseDate!: string;
  @ApiProperty() density!: number;
  @ApiPropertyOptional({ description: 'days since the origin (frontier points)' }) t?: number;
}

export class TrendResponseDto {
  @ApiProperty() reference!: { id: string; name: string };
  @ApiProperty() fitVersion!: { id: string; version: number };
  @ApiProperty() equation!: string;
  @ApiProperty() frontierRule!: string;
  @ApiProperty({ description: 't = 0' }) origin!: string;
  @ApiProperty({ description: 'ln ρ_max = A·t + B, t in days' }) params!: { A: number; B: number };
  @ApiPropertyOptional({ nullable: true }) standardErrors!: { A: number; B: number } | null;
  @ApiPropertyOptional({ nullable: true, description: 'ln 2 / A; null when density is not growing' }) doublingTimeDays!: number | null;
  @ApiPropertyOptional({ nullable: true }) doublingTimeMonths!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'bootstrap percentile interval (level, A, doubling time in days and months)', type: 'object', additionalProperties: true })
  confidence!: Record<string, unknown> | null;
  @ApiProperty() rSquared!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) quality!: Record<string, unknown>;
  @ApiProperty({ type: [String] }) warnings!: string[];
  @ApiProperty({ type: [TrendPointDto] }) frontier!: TrendPointDto[];
  @ApiProperty({ type: [TrendPointDto], description: 'every model with a headline density and a release date in range' }) points!: TrendPointDto[];
}
