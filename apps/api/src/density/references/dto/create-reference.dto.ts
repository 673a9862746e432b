import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsNumber, IsObject, IsOptional, IsPositive, IsString, IsUUID, Length, ValidateNested,
} from 'class-validator';

export const FRONTIER_RULES = ['record', 'running-max', 'all'] as const;
export const MEMBER_ROLES = ['both', 'loss', 'performance'] as const;

export class ReferenceMemberRequestDto {
  @ApiProperty({ format: 'uuid', description: 'a registered model; N = paramsTotal, D = trainingTokens (required for the loss family)' })
  @IsUUID()
  modelId!: string;

  @ApiPropertyOptional({ enum: MEMBER_ROLES, default: 'both', description: 'loss: Step 1 (loss vs N, D); performance: Step 2 (score vs loss)' })
  @IsOptional() @IsIn(MEMBER_ROLES)
  role: (typeof MEMBER_ROLES)[number] = 'both';

  @ApiPropertyOptional({
    description: 'benchmark → { score?, loss? } given explicitly (published numbers); what is absent comes from the latest succeeded run',
    example: { arc_easy: { score: 0.62, loss: 0.71 } },
    type: 'object',
    additionalProperties: { type: 'object', properties: { score: { type: 'number' }, loss: { type: 'number' } } },
  })
  @IsOptional() @IsObject()
  measurements?: Record<string, { score?: number; loss?: number }>;
}

export class CreateReferenceRequestDto {
  @ApiProperty({ example: 'minicpm-family' })
  @IsString() @Length(1, 200)
  name!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 2000)
  description?: string;

  @ApiPropertyOptional({ default: 5e12, description: 'D0 of Eq. 4 (training tokens at which the family is read off)' })
  @IsOptional() @IsNumber() @IsPositive()
  d0Tokens: number = 5e12;

  @ApiPropertyOptional({ enum: FRONTIER_RULES, default: 'record', description: 'default frontier rule of the density trend' })
  @IsOptional() @IsIn(FRONTIER_RULES)
  frontier: (typeof FRONTIER_RULES)[number] = 'record';

  @ApiPropertyOptional({ type: [String], description: 'benchmarks to calibrate (also the AVERAGE headline); default: every benchmark the members have data for' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ArrayUnique() @IsString({ each: true }) @Length(1, 200, { each: true })
  benchmarks?: string[];

  @ApiPropertyOptional({
    description: 'benchmark → metric key of the run metrics (acc, acc_norm, exact_match,strict-match, …); default: the first of acc_norm, acc, exact_match, pass@1, mc2 the members\' runs report. Required for benchmarks whose numbers are all given.',
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { arc_easy: 'acc' },
  })
  @IsOptional() @IsObject()
  metrics?: Record<string, string>;

  @ApiPropertyOptional({ default: false, description: 'the leaderboard\'s reference when none is named' })
  @IsOptional() @IsBoolean()
  isDefault: boolean = false;

  @ApiPropertyOptional({ default: true, description: 'measure every run against this family when it finalizes' })
  @IsOptional() @IsBoolean()
  atRunEnd: boolean = true;

  @ApiProperty({ type: [ReferenceMemberRequestDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => ReferenceMemberRequestDto)
  members!: ReferenceMemberRequestDto[];
}
