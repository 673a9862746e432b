import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsNumber, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Min } from 'class-validator';
import { WorkerStatus } from '@app/contracts';

export class RegisterWorkerRequestDto {
  @ApiProperty({ description: 'an enrollment token an operator created (dbe_…, POST /v1/enrollment-tokens), or the static ENROLLMENT_TOKEN of the API' })
  @IsString() @Length(8, 512)
  enrollmentToken!: string;

  @ApiProperty({ example: 'gpu-node-17' })
  @IsString() @Length(1, 200)
  name!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 255) hostname?: string;

  @ApiPropertyOptional({ description: 're-registration of this worker: it keeps its id and gets a new credential; the old one stops working' })
  @IsOptional() @IsUUID()
  workerId?: string;

  @ApiProperty({ type: [String], example: ['cpu'] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(32)
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { each: true, message: 'each pool must be lowercase letters, digits, - or _' })
  pools!: string[];

  @ApiProperty({ type: [String], example: ['llama-cpp'] })
  @IsArray() @ArrayMinSize(1) @IsString({ each: true })
  backends!: string[];

  @ApiPropertyOptional({ description: 'USD per hour of this machine, for cost density' })
  @IsOptional() @IsNumber() @Min(0)
  costPerHour?: number;

  @ApiPropertyOptional({ description: 'hardware: GPUs, CPU, RAM …' })
  @IsOptional() @IsObject()
  info?: Record<string, unknown>;
}

export class RegisterWorkerResponseDto {
  @ApiProperty() workerId!: string;
  @ApiProperty({ description: 'send as "Authorization: Bearer <credential>"; shown once' }) credential!: string;
}

export class HeartbeatRequestDto {
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsUUID() currentShardId?: string | null;
  @ApiPropertyOptional({ description: 'the worker takes no more shards (it was drained): a worker back from lost stays draining' })
  @IsOptional() @IsBoolean()
  draining?: boolean;
  @ApiPropertyOptional({ description: 'live figures: loaded model, tokens/s, GPU utilisation …' })
  @IsOptional() @IsObject()
  info?: Record<string, unknown>;
}

export class HeartbeatResponseDto {
  @ApiProperty({ enum: WorkerStatus, description: 'draining: finish the current shard and take no more', example: 'active' }) status!: WorkerStatus;
}

export class CurrentShardDto {
  @ApiProperty({ example: '0b7d5f0e-3c1a-4f6e-9a57-2d4c8e1f6a90' }) id!: string;
  @ApiProperty() runId!: string;
  @ApiProperty({ example: 'arc_easy' }) benchmark!: string;
  @ApiProperty({ description: 'samples done of the shard so far', example: 6 }) done!: number;
  @ApiProperty({ description: 'samples in the shard', example: 12 }) total!: number;
}

export class WorkerResponseDto {
  @ApiProperty({ example: '0b7d5f0e-3c1a-4f6e-9a57-2d4c8e1f6a90' }) id!: string;
  @ApiProperty({ example: 'gpu-box-1' }) name!: string;
  @ApiPropertyOptional({ nullable: true }) hostname!: string | null;
  @ApiProperty({ type: [String] }) pools!: string[];
  @ApiProperty({ type: [String] }) backends!: string[];
  @ApiProperty({ enum: WorkerStatus }) status!: WorkerStatus;
  @ApiPropertyOptional({ nullable: true }) costPerHour!: number | null;
  @ApiProperty() info!: Record<string, unknown>;
  @ApiPropertyOptional({ nullable: true }) currentShardId!: string | null;
  @ApiPropertyOptional({ type: CurrentShardDto, nullable: true, description: 'the shard the worker is running (lists only)' }) currentShard?: CurrentShardDto | null;
  @ApiPropertyOptional({ nullable: true }) lastHeartbeatAt!: string | null;
  @ApiProperty() registeredAt!: string;
}
