import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RunStatus } from '@app/contracts';
import { RunDensityDto } from '../../density/run-density/dto/run-density.dto';

export class MetricValueDto {
  @ApiProperty() value!: number;
  @ApiPropertyOptional({ nullable: true }) stderr!: number | null;
  @ApiProperty() n!: number;
}

export class BenchmarkProgressDto {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'a group (e.g. mmlu): its metrics aggregate its subtasks\' (micro-averaged where the task says so)' })
  isGroup!: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'the outermost group of the run that holds it (e.g. mmlu for mmlu_anatomy)', example: null })
  group!: string | null;
  @ApiProperty({ example: 48 }) total!: number;
  @ApiProperty({ example: 30 }) done!: number;
  @ApiProperty({ description: 'input + output tokens of the samples ingested so far (a group: its subtasks\')', example: 18234 })
  tokens!: number;
  @ApiPropertyOptional({ nullable: true }) numFewshot!: number | null;
  @ApiPropertyOptional({ description: 'metric → value, stderr, n (when finished)', nullable: true, example: { acc: { value: 0.27, stderr: 0.064, n: 48 } } })
  metrics!: Record<string, MetricValueDto> | null;
}

export class ShardCountsDto {
  @ApiProperty() pending!: number;
  @ApiProperty() running!: number;
  @ApiProperty() done!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() cancelled!: number;
}

export class RunResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() modelId!: string;
  @ApiProperty() modelName!: string;
  @ApiProperty({ enum: RunStatus }) status!: RunStatus;
  @ApiProperty() pool!: string;
  @ApiProperty() priority!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'documents per shard; null: sized per benchmark by the service' }) shardSize!: number | null;
  @ApiProperty() seed!: number;
  @ApiPropertyOptional({ nullable: true }) error!: string | null;
  @ApiProperty({ description: 'samples done / total over all benchmarks (moving as samples finish); outputTokensPerSecond: the running shards\' generation rate (null when none reports one)' })
  progress!: { done: number; total: number; outputTokensPerSecond: number | null };
  @ApiProperty({ type: [BenchmarkProgressDto] }) benchmarks!: BenchmarkProgressDto[];
  @ApiProperty({ type: ShardCountsDto }) shards!: ShardCountsDto;
  @ApiProperty() tokens!: { input: number; output: number };
  @ApiPropertyOptional({ nullable: true, description: 'wall time from first shard start to finalization' }) wallMs!: number | null;
  @ApiPropertyOptional({ nullable: true }) envelope!: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: RunDensityDto, nullable: true, description: 'density figures stored when the run finalized (null before)' })
  density!: RunDensityDto | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true }) startedAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) finishedAt!: string | null;
}

export class RunSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() modelId!: string;
  @ApiProperty({ example: 'stories260K' }) modelName!: string;
  @ApiProperty({ enum: RunStatus }) status!: RunStatus;
  @ApiProperty() pool!: string;
  @ApiProperty({ type: [String] }) benchmarks!: string[];
  @ApiPropertyOptional({ nullable: true }) error!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true }) finishedAt!: string | null;
}

export class RunListResponseDto {
  @ApiProperty({ type: [RunSummaryDto] }) items!: RunSummaryDto[];
  @ApiProperty({ description: 'runs matching the filters, counted up to 1,000 past this page: with totalExact false, at least this many' }) total!: number;
  @ApiProperty({ description: 'false when more runs match than total (the count stopped 1,000 runs past this page)' }) totalExact!: boolean;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class CreateRunResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: RunStatus }) status!: RunStatus;
  @ApiProperty() shards!: number;
  @ApiProperty() samples!: number;
}
