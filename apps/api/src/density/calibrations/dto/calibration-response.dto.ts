import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CalibrationStatus, RunStatus } from '@app/contracts';
import { BenchmarkRequestDto } from '../../../runs/dto/create-run.dto';
import { FitVersionSummaryDto } from '../../references/dto/reference-response.dto';

export class CalibrationRunDto {
  @ApiProperty() runId!: string;
  @ApiProperty() modelId!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ enum: RunStatus }) status!: RunStatus;
  @ApiPropertyOptional({ nullable: true }) error!: string | null;
  @ApiProperty({ description: 'samples done / total over its benchmarks' }) progress!: { done: number; total: number };
}

export class CalibrationGivenMemberDto {
  @ApiProperty() modelId!: string;
  @ApiProperty() model!: string;
}

export class CalibrationResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() referenceId!: string;
  @ApiProperty() reference!: string;
  @ApiProperty({
    enum: CalibrationStatus,
    description: 'running (its runs) → fitting → succeeded (fitVersion set) | failed (error and errorCode set)',
  })
  status!: CalibrationStatus;
  @ApiProperty({ type: [BenchmarkRequestDto] }) benchmarks!: BenchmarkRequestDto[];
  @ApiProperty({ type: [String], description: 'the keys the fit uses, one per benchmark (mmlu@5-shot)' }) benchmarkKeys!: string[];
  @ApiProperty() pool!: string;
  @ApiProperty() priority!: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) shardSize!: number | null;
  @ApiProperty() seed!: number;
  @ApiProperty({ type: [CalibrationRunDto], description: 'one run per measured member' }) runs!: CalibrationRunDto[];
  @ApiProperty({ type: [CalibrationGivenMemberDto], description: 'members not run: their numbers on every benchmark are given' })
  given!: CalibrationGivenMemberDto[];
  @ApiProperty({ description: 'samples done / total over all its runs' }) progress!: { done: number; total: number };
  @ApiPropertyOptional({ type: FitVersionSummaryDto, nullable: true, description: 'the fit version it produced, with its quality' })
  fitVersion!: FitVersionSummaryDto | null;
  @ApiPropertyOptional({ nullable: true, description: 'why it failed: a run\'s failure or the fit\'s refusal' }) error!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    description: 'run_failed, run_cancelled, queue_unavailable, invalid_input or the density library\'s code (DENSITY_INSUFFICIENT_DATA, …)',
  })
  errorCode!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true }) finishedAt!: string | null;
}
