import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsNumber, IsOptional, IsPositive, IsString, Length } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination.dto';

/** Model facts an lm-eval results file does not carry (they override the file's own, e.g. model_num_parameters). */
export class ImportQueryDto {
  @ApiPropertyOptional({ description: 'lm-eval: model name (default: the file\'s model_name or pretrained=…)' })
  @IsOptional() @IsString() @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'lm-eval: total parameters (default: config.model_num_parameters)' })
  @IsOptional() @Type(() => Number) @IsInt() @IsPositive()
  params?: number;

  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @IsPositive()
  activeParams?: number;

  @ApiPropertyOptional({ example: '2024-02-01' }) @IsOptional() @IsDateString({ strict: true })
  releaseDate?: string;

  @ApiPropertyOptional({ description: 'training tokens D' }) @IsOptional() @Type(() => Number) @IsNumber() @IsPositive()
  trainingTokens?: number;

  @ApiPropertyOptional({ example: 'results_2024-05-01T10-00-00.json' }) @IsOptional() @IsString() @Length(1, 500)
  fileName?: string;

  @ApiPropertyOptional({ description: 'where the numbers come from (URL, paper)' }) @IsOptional() @IsString() @Length(1, 2000)
  source?: string;
}

export class ListImportsQueryDto extends PaginationQueryDto {}

export class ImportedScoreDto {
  @ApiProperty() benchmark!: string;
  @ApiPropertyOptional({ nullable: true, description: 'lm-eval metric key; null for a published score without one' }) metric!: string | null;
  @ApiProperty() value!: number;
  @ApiPropertyOptional({ nullable: true }) stderr!: number | null;
}

export class ImportedModelDto {
  @ApiProperty() modelId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'false when an existing model of that name was matched' }) created!: boolean;
  @ApiProperty({ type: [ImportedScoreDto] }) scores!: ImportedScoreDto[];
  @ApiProperty({ type: [String] }) warnings!: string[];
}

export class ImportResponseDto {
  @ApiProperty({ example: '0b7d5f0e-3c1a-4f6e-9a57-2d4c8e1f6a90' }) id!: string;
  @ApiProperty({ enum: ['lm-eval', 'csv'] }) format!: string;
  @ApiPropertyOptional({ nullable: true }) fileName!: string | null;
  @ApiPropertyOptional({ nullable: true }) source!: string | null;
  @ApiProperty() importedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) provenance!: Record<string, unknown>;
  @ApiPropertyOptional({ type: [ImportedModelDto] }) models?: ImportedModelDto[];
  @ApiPropertyOptional({ type: [String], description: 'recompute-densities jobs enqueued (one per fitted reference family)' }) recomputeJobIds?: string[];
}

export class ImportListResponseDto {
  @ApiProperty({ type: [ImportResponseDto] }) items!: ImportResponseDto[];
  @ApiProperty() total!: number;
}
