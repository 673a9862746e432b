import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

export const SORT_KEYS = ['density', 'effectiveParams', 'score', 'params', 'tokenValue', 'costDensity', 'computeDensity', 'releaseDate'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

const csvList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(value) ? value : value;

/** Which models and figures: the reference family, a benchmark set, a release date range, sorting and paging. */
export class LeaderboardFilterDto {
  @ApiPropertyOptional({ description: 'reference family id or name; default: the default family, else the most recently fitted' })
  @IsOptional() @IsString() @Length(1, 200)
  reference?: string;

  @ApiPropertyOptional({ description: 'comma-separated: only models with a score on every one of these, and only these benchmark columns', example: 'arc_easy,hellaswag' })
  @IsOptional() @Transform(csvList) @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @Length(1, 200, { each: true })
  benchmarks?: string[];

  @ApiPropertyOptional({ description: 'release date from (inclusive)', example: '2023-01-01' })
  @IsOptional() @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'release date to (inclusive)', example: '2025-12-31' })
  @IsOptional() @IsDateString({ strict: true })
  to?: string;
}

export class LeaderboardQueryDto extends LeaderboardFilterDto {
  @ApiPropertyOptional({
    enum: SORT_KEYS,
    default: 'density',
    description: 'tokenValue = correct answers per 1k generated tokens, costDensity = per dollar, computeDensity = per TFLOP (latest succeeded run); nulls always last',
  })
  @IsOptional() @IsIn(SORT_KEYS)
  sort: SortKey = 'density';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional() @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 1000 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit: number = 50;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0)
  offset: number = 0;
}

export class DensityCellDto {
  @ApiPropertyOptional({ nullable: true }) metric!: string | null;
  @ApiPropertyOptional({ nullable: true }) score!: number | null;
  @ApiPropertyOptional({ nullable: true, description: "'run:<id>' or 'import:<id>'" }) scoreSource!: string | null;
  @ApiPropertyOptional({ nullable: true }) effectiveParams!: number | null;
  @ApiPropertyOptional({ nullable: true }) density!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'why density is null (SCORE_AT_OR_BELOW_CHANCE, MISSING_SCORE, …)' }) undefinedReason!: string | null;
  @ApiPropertyOptional({ nullable: true }) message!: string | null;
}

export class ScoreSourceDto {
  @ApiProperty({ enum: ['run', 'import'] }) kind!: 'run' | 'import';
  @ApiProperty() id!: string;
  @ApiPropertyOptional({ nullable: true }) format?: string | null;
  @ApiPropertyOptional({ nullable: true }) fileName?: string | null;
  @ApiPropertyOptional({ nullable: true }) source?: string | null;
  @ApiPropertyOptional({ nullable: true }) importedAt?: string | null;
}

export class LeaderboardRowDto {
  @ApiPropertyOptional({ nullable: true, description: '1 = densest; null without a headline density' }) rank!: number | null;
  @ApiProperty() modelId!: string;
  @ApiProperty() model!: string;
  @ApiProperty() params!: number;
  @ApiPropertyOptional({ nullable: true }) activeParams!: number | null;
  @ApiPropertyOptional({ nullable: true }) releaseDate!: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'AVERAGE score over the family\'s benchmarks' }) score!: number | null;
  @ApiPropertyOptional({ nullable: true }) effectiveParams!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'headline capability density ρ = N̂/N (AVERAGE)' }) density!: number | null;
  @ApiPropertyOptional({ nullable: true }) densityUndefinedReason!: string | null;
  @ApiPropertyOptional({ nullable: true }) densityMessage!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/DensityCellDto' } }) benchmarks!: Record<string, DensityCellDto>;
  @ApiPropertyOptional({ nullable: true, description: 'correct answers per 1k generated tokens (latest succeeded run)' }) tokenValue!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'correct answers per dollar' }) costDensity!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'correct answers per TFLOP (≈ 2·N_active·tokens)' }) computeDensity!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'the run the efficiency figures come from, with the library outcomes (value or reason)', type: 'object', additionalProperties: true })
  efficiency!: Record<string, unknown> | null;
  @ApiProperty({ type: [ScoreSourceDto] }) sources!: ScoreSourceDto[];
}

export class LeaderboardResponseDto {
  @ApiProperty() reference!: { id: string; name: string; d0Tokens: number };
  @ApiProperty({ description: 'the fit the densities are read from, with its method (densing-law-two-step or densing-law-composed-on-scores)' })
  fitVersion!: { id: string; version: number; method: string | null; createdAt: string };
  @ApiProperty({ enum: SORT_KEYS }) sort!: SortKey;
  @ApiProperty() order!: 'asc' | 'desc';
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
  @ApiProperty({ type: [LeaderboardRowDto] }) items!: LeaderboardRowDto[];
}
