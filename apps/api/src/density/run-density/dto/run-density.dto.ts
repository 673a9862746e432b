import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One density figure: a number, or null with the reason (never a made-up number). */
export class DensityFigureDto {
  @ApiProperty({ description: 'benchmark, or AVERAGE for the headline' }) benchmark!: string;
  @ApiPropertyOptional({ nullable: true }) metric!: string | null;
  @ApiPropertyOptional({ nullable: true }) score!: number | null;
  @ApiProperty({ description: 'N, the model\'s parameter count' }) params!: number;
  @ApiPropertyOptional({ nullable: true, description: 'L̂(S), Eq. 4 left' }) lossHat!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'N̂(S), Eq. 4 right' }) effectiveParams!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'ρ = N̂/N' }) density!: number | null;
  @ApiPropertyOptional({ nullable: true, description: 'SCORE_AT_OR_BELOW_CHANCE, SCORE_WITHIN_NOISE_OF_CHANCE (less than 2 standard errors above it), SCORE_AT_OR_ABOVE_CEILING, LOSS_UNREACHABLE_AT_D0, MISSING_SCORE, …' })
  undefinedReason!: string | null;
  @ApiPropertyOptional({ nullable: true }) message!: string | null;
  @ApiPropertyOptional({ nullable: true }) extrapolated!: { params: boolean; loss: boolean } | null;
  @ApiPropertyOptional({
    nullable: true,
    description: 'the curve\'s leave-one-size-out validation (composed method): validated, and the median and worst factor between ' +
      'held-out members\' N̂ and their true N. Not validated: the density is indicative only. Null for the two-step method.',
  })
  validation!: { validated: boolean; typicalFactor: number | null; worstFactor: number | null } | null;
}

export class RunReferenceDensityDto {
  @ApiProperty() referenceId!: string;
  @ApiProperty() reference!: string;
  @ApiProperty() fitVersionId!: string;
  @ApiProperty() version!: number;
  @ApiProperty() d0Tokens!: number;
  @ApiPropertyOptional({
    nullable: true,
    description: 'densing-law-two-step (the paper\'s, on conditional losses) or densing-law-composed-on-scores (the two curves composed and fitted on scores: the built-in pythia, whose losses were not published)',
  })
  method!: string | null;
  @ApiProperty({ type: DensityFigureDto }) headline!: DensityFigureDto;
  @ApiProperty({ type: [DensityFigureDto] }) benchmarks!: DensityFigureDto[];
}

export class RunEfficiencyDto {
  @ApiProperty({ description: 'benchmark, or ALL (every item of the run pooled)' }) benchmark!: string;
  @ApiPropertyOptional({ nullable: true }) metric!: string | null;
  @ApiProperty() score!: number;
  @ApiProperty() items!: number;
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
  @ApiProperty() busyMs!: number;
  @ApiPropertyOptional({ nullable: true }) costUsd!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) pricing!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'scorePer1kOutputTokens, outputTokensPerCorrect, totalTokensPerCorrect' })
  tokenValue!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'scorePerDollar, dollarsPerCorrect' }) costDensity!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'scorePerBillionActiveParams, flops, scorePerTflop' }) computeDensity!: Record<string, unknown>;
}

export class RunReportFileDto {
  @ApiProperty() artifactId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() downloadUrl!: string;
}

export class RunDensityDto {
  @ApiProperty({ type: [RunReferenceDensityDto], description: 'capability density against the latest fit of each reference family' })
  references!: RunReferenceDensityDto[];
  @ApiProperty({ type: [RunEfficiencyDto] }) efficiency!: RunEfficiencyDto[];
  @ApiProperty({ type: [RunReportFileDto], description: 'the run\'s density report (runs/<run>/report/)' }) reports!: RunReportFileDto[];
}
