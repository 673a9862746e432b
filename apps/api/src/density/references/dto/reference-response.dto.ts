import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const METHODS = ['densing-law-two-step', 'densing-law-composed-on-scores'];
const METHOD_DESCRIPTION =
  'densing-law-two-step: the paper\'s method, Eq. 2 on conditional losses, Eq. 3 on (loss, score); densing-law-composed-on-scores: ' +
  'the two curves composed and fitted on scores over an (N, D) grid, for families whose losses were not published (the built-in pythia)';

export class ReferenceMemberResponseDto {
  @ApiProperty() modelId!: string;
  @ApiProperty() model!: string;
  @ApiProperty() params!: number;
  @ApiPropertyOptional({ nullable: true }) trainingTokens!: number | null;
  @ApiProperty() role!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) measurements!: Record<string, { score?: number; loss?: number }>;
}

export class FitVersionSummaryDto {
  @ApiProperty({ example: '0b7d5f0e-3c1a-4f6e-9a57-2d4c8e1f6a90' }) id!: string;
  @ApiProperty() version!: number;
  @ApiProperty() d0Tokens!: number;
  @ApiPropertyOptional({ nullable: true, enum: METHODS, description: METHOD_DESCRIPTION }) method!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) metrics!: Record<string, string>;
  @ApiProperty({
    description: 'benchmark (and AVERAGE) → quality of the loss and performance fits; with the composed method, the leave-one-size-out validation',
    type: 'object',
    additionalProperties: true,
  })
  quality!: Record<string, unknown>;
  @ApiProperty({ type: [String] }) warnings!: string[];
  @ApiProperty() createdAt!: string;
}

export class FitVersionResponseDto extends FitVersionSummaryDto {
  @ApiProperty() referenceId!: string;
  @ApiProperty({ description: 'the library\'s ReferenceCalibration: per-benchmark and AVERAGE curves with params, standard errors, quality', type: 'object', additionalProperties: true })
  calibration!: Record<string, unknown>;
  @ApiProperty({ description: 'the data points the fit used, with their sources', type: 'array', items: { type: 'object' } })
  dataPoints!: Array<Record<string, unknown>>;
  @ApiProperty({ type: 'object', additionalProperties: true }) library!: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true, description: 'the recompute-densities job enqueued for this version' }) recomputeJobId?: string | null;
}

export class ReferenceResponseDto {
  @ApiProperty({ example: '0b7d5f0e-3c1a-4f6e-9a57-2d4c8e1f6a90' }) id!: string;
  @ApiProperty({ example: 'pythia' }) name!: string;
  @ApiPropertyOptional({ nullable: true }) description!: string | null;
  @ApiProperty() d0Tokens!: number;
  @ApiProperty() frontier!: string;
  @ApiPropertyOptional({ type: [String], nullable: true }) benchmarks!: string[] | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) metrics!: Record<string, string>;
  @ApiProperty() isDefault!: boolean;
  @ApiProperty() atRunEnd!: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'the built-in family it was installed from (pythia), null for your own' }) builtin!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, description: 'latest fit version number' }) latestVersion!: number | null;
  @ApiPropertyOptional({ nullable: true, enum: METHODS, description: `the latest version's method: ${METHOD_DESCRIPTION}` }) method!: string | null;
  @ApiPropertyOptional({ type: [ReferenceMemberResponseDto] }) members?: ReferenceMemberResponseDto[];
  @ApiPropertyOptional({ type: [FitVersionSummaryDto] }) versions?: FitVersionSummaryDto[];
}

export class FitErrorDto {
  @ApiProperty({ example: 'DENSITY_INSUFFICIENT_DATA', description: 'DENSITY_* of the density library, or invalid_input (data that cannot be collected)' })
  code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) details?: Record<string, unknown> | null;
}

export class FitRequestResponseDto {
  @ApiProperty({ example: '5e0c2f4a-1d7b-4c39-8f0e-6a2b9d3c7e11' }) id!: string;
  @ApiProperty() referenceId!: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'] }) status!: string;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true }) finishedAt!: string | null;
  @ApiPropertyOptional({ type: FitVersionResponseDto, nullable: true, description: 'the version the fit stored (succeeded)' }) version!: FitVersionResponseDto | null;
  @ApiPropertyOptional({ nullable: true, description: 'the recompute-densities job enqueued for the version' }) recomputeJobId!: string | null;
  @ApiPropertyOptional({ type: FitErrorDto, nullable: true, description: 'why the data could not be fitted (failed); nothing was stored' }) error!: FitErrorDto | null;
}
