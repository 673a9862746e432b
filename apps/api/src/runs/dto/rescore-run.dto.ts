import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** Re-scores a finished run from its stored outputs: same model, benchmarks and seed; no GPU. */
export class RescoreRunRequestDto {
  @ApiPropertyOptional({
    description: "worker pool whose replay queue receives the shards (default: the source run's pool); its workers need the replay backend (WORKER_BACKENDS)",
    example: 'cpu',
  })
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'pool must be lowercase letters, digits, - or _' })
  pool?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: "higher runs first (default: the source run's)" })
  @IsOptional() @IsInt() @Min(0) @Max(100)
  priority?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100000,
    description: 'documents per shard job; default: sized for replaying, about 16 shards a benchmark of 1,000 to 10,000 documents',
  })
  @IsOptional() @IsInt() @Min(1) @Max(100_000)
  shardSize?: number;
}
