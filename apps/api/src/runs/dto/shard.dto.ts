import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, Min } from 'class-validator';

export class ShardProgressRequestDto {
  @ApiProperty({ description: 'samples of this shard scored so far' })
  @IsInt() @Min(0)
  done!: number;
}

export class ShardControlResponseDto {
  @ApiProperty({ description: 'false when the run was cancelled or the shard is no longer this worker\'s: stop' })
  proceed!: boolean;
  @ApiProperty({ required: false }) reason?: string;
}

export class ShardStartRequestDto {
  @ApiProperty({ required: false, description: 'reproducibility envelope: backend, engine version, model hash, task hashes, machine' })
  @IsOptional() @IsObject()
  envelope?: Record<string, unknown>;
}
