import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { WorkerStatus } from '@app/contracts';
import { WorkerEntity } from '@app/database';
import { CurrentWorker } from './current-worker.decorator';
import {
  HeartbeatRequestDto,
  HeartbeatResponseDto,
  RegisterWorkerRequestDto,
  RegisterWorkerResponseDto,
  WorkerResponseDto,
} from './dto/register-worker.dto';
import { WorkerAuthGuard } from './worker-auth.guard';
import { Permission } from '@app/auth';
import { KeyOrWorker, Requires, WorkerRoute } from '../auth/auth.decorators';
import { WorkersService } from './workers.service';

const toDto = (w: WorkerEntity): WorkerResponseDto => ({
  id: w.id,
  name: w.name,
  hostname: w.hostname,
  pools: w.pools,
  backends: w.backends,
  status: w.status,
  costPerHour: w.costPerHour,
  info: w.info,
  currentShardId: w.currentShardId,
  lastHeartbeatAt: w.lastHeartbeatAt?.toISOString() ?? null,
  registeredAt: w.registeredAt.toISOString(),
});

@ApiTags('workers')
@Requires(Permission.Operate)
@Controller('v1/workers')
export class WorkersController {
  constructor(private readonly workers: WorkersService) {}

  @Post('register')
  @WorkerRoute()
  @ApiOkResponse({ type: RegisterWorkerResponseDto })
  @ApiOperation({ summary: 'Register a worker with the enrollment token' })
  async register(@Body() dto: RegisterWorkerRequestDto): Promise<RegisterWorkerResponseDto> {
    const { worker, credential } = await this.workers.register(dto);
    return { workerId: worker.id, credential };
  }

  @Post(':id/heartbeat')
  @WorkerRoute()
  @HttpCode(200)
  @UseGuards(WorkerAuthGuard)
  @ApiBearerAuth()
  @ApiOkResponse({ type: HeartbeatResponseDto })
  @ApiOperation({ summary: 'Heartbeat of a worker (its own credential)' })
  async heartbeat(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentWorker() worker: WorkerEntity,
    @Body() dto: HeartbeatRequestDto,
  ): Promise<HeartbeatResponseDto> {
    if (worker.id !== id) throw new ForbiddenException('a worker may only heartbeat for itself');
    return { status: await this.workers.heartbeat(worker, dto) };
  }

  @Get()
  @ApiOperation({ summary: 'List workers with their current shard', description: 'Operators: pool, backends, status, the shard running and the last heartbeat.' })
  @ApiQuery({ name: 'status', enum: WorkerStatus, isArray: true, required: false })
  @ApiOkResponse({ type: [WorkerResponseDto] })
  async list(@Query('status') status?: WorkerStatus | WorkerStatus[]): Promise<WorkerResponseDto[]> {
    const filter = status === undefined ? undefined : Array.isArray(status) ? status : [status];
    return (await this.workers.listWithShards(filter)).map(({ worker, shard }) => ({ ...toDto(worker), currentShard: shard }));
  }

  @Get(':id')
  @ApiOkResponse({ type: WorkerResponseDto })
  @ApiOperation({ summary: 'A worker' })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<WorkerResponseDto> {
    return toDto(await this.workers.get(id));
  }

  @Post(':id/drain')
  @HttpCode(200)
  @ApiOkResponse({ type: WorkerResponseDto })
  @ApiOperation({ summary: 'Drain a worker: it finishes its shard and takes no more' })
  async drain(@Param('id', ParseUUIDPipe) id: string): Promise<WorkerResponseDto> {
    return toDto(await this.workers.setStatus(id, WorkerStatus.Draining));
  }

  /** Removes a worker (operators), or deregisters itself (a worker with its own credential, at shutdown). */
  @Delete(':id')
  @KeyOrWorker()
  @ApiOkResponse({ type: WorkerResponseDto })
  @ApiOperation({ summary: 'Remove a worker (operators) or deregister (the worker itself)' })
  async remove(@Param('id', ParseUUIDPipe) id: string, @Req() req: { worker?: WorkerEntity }): Promise<WorkerResponseDto> {
    if (req.worker && req.worker.id !== id) throw new ForbiddenException('a worker may only deregister itself');
    return toDto(await this.workers.setStatus(id, WorkerStatus.Removed));
  }
}
