import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

export class BenchmarkRequestDto {
  @ApiProperty({ example: 'arc_easy' })
  @IsString() @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ description: 'evaluate only the first N documents (of each subtask of a group, unless limitPer is "group")', minimum: 1 })
  @IsOptional() @IsInt() @Min(1)
  limit?: number;

  @ApiPropertyOptional({
    enum: ['task', 'group'],
    default: 'task',
    description: 'what a limit on a group caps: "task" (default, as lm-evaluation-harness\'s --limit) each subtask; "group" the whole group, spread evenly over its subtasks',
  })
  @IsOptional() @IsIn(['task', 'group'])
  limitPer?: 'task' | 'group';

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional() @IsInt() @Min(0) @Max(64)
  numFewshot?: number;
}

export class CreateRunRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  modelId!: string;

  @ApiProperty({ type: [BenchmarkRequestDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => BenchmarkRequestDto)
  benchmarks!: BenchmarkRequestDto[];

  @ApiPropertyOptional({ default: 'cpu', description: 'worker pool whose queue receives the shards' })
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'pool must be lowercase letters, digits, - or _' })
  pool: string = 'cpu';

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100000,
    description: 'documents per shard job; default: sized per benchmark (100 up to 6,400 documents, then about 64 shards of at most 1,000)',
  })
  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  shardSize?: number;

  @ApiPropertyOptional({ default: 1234 })
  @IsOptional() @IsInt() @Min(0) @Max(2 ** 31 - 1)
  seed: number = 1234;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 100, description: 'higher runs first' })
  @IsOptional() @IsInt() @Min(0) @Max(100)
  priority: number = 0;
}
