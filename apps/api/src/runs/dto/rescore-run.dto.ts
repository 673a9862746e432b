import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** Re-scores a finished run from its stored outputs: same model, benchmarks, shards and seed; no GPU. */
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
}
