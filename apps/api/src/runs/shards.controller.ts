import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkerEntity } from '@app/database';
import { CurrentWorker } from '../workers/current-worker.decorator';
import { WorkerAuthGuard } from '../workers/worker-auth.guard';
import { WorkerRoute } from '../auth/auth.decorators';
import { ShardClaimResponseDto, ShardControlResponseDto, ShardProgressRequestDto } from './dto/shard.dto';
import { ShardsService } from './shards.service';

/** Called by worker agents with their credential. */
@ApiTags('shards (workers)')
@ApiBearerAuth()
@WorkerRoute()
@UseGuards(WorkerAuthGuard)
@Controller('v1/shards')
export class ShardsController {
  constructor(private readonly shards: ShardsService) {}

  /** The worker's first call for a shard job: records the start and returns the spec. */
  @Post(':id/claim')
  @HttpCode(200)
  @ApiOkResponse({ type: ShardClaimResponseDto })
  @ApiOperation({ summary: 'Claim a shard (workers): record its start and get its spec' })
  async claim(@Param('id', ParseUUIDPipe) id: string, @CurrentWorker() worker: WorkerEntity): Promise<ShardClaimResponseDto> {
    return this.shards.claim(id, worker);
  }

  @Post(':id/progress')
  @HttpCode(200)
  @ApiOkResponse({ type: ShardControlResponseDto })
  @ApiOperation({ summary: "Report a shard's progress (workers); says whether to go on" })
  async progress(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentWorker() worker: WorkerEntity,
    @Body() dto: ShardProgressRequestDto,
  ): Promise<ShardControlResponseDto> {
    return this.shards.progress(id, worker, dto.done, dto.envelope ?? null, dto.outputTokensPerSecond ?? null);
  }
}
