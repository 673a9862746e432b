import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, Min } from 'class-validator';
import type { ShardSpec } from '@app/contracts';

export class ShardProgressRequestDto {
  @ApiProperty({ description: 'samples of this shard scored so far', example: 32 })
  @IsInt() @Min(0)
  done!: number;

  @ApiProperty({ required: false, description: 'reproducibility envelope (backend, engine version, model hash, task hashes, machine); sent with the first report' })
  @IsOptional() @IsObject()
  envelope?: Record<string, unknown>;
}

export class ShardControlResponseDto {
  @ApiProperty({ description: 'false when the run was cancelled or the shard is no longer this worker\'s: stop', example: true })
  proceed!: boolean;
  @ApiProperty({ required: false }) reason?: string;
}

export class ShardClaimResponseDto extends ShardControlResponseDto {
  @ApiProperty({ required: false, description: 'what to run (when proceed): document range, model and backend, task' })
  spec?: ShardSpec;
}
