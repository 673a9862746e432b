import { Injectable, Logger } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { BackendKind, DomainException, ErrorCode, invalidInput, notFound, ReplayBackendSpec, RunStatus } from '@app/contracts';
import { DEFAULT_PROJECT_ID, isUniqueViolation, ModelEntity, RunEntity, RunListItem, RunsRepository, ShardsRepository } from '@app/database';
import { RunEvents } from '@app/queue';
import { inScope, ownerProject } from '@app/auth';
import type { ProjectScope } from '@app/auth';
import { BenchmarkCatalog } from '../benchmarks/benchmark-catalog.service';
import { ModelsService } from '../models/models.service';
import { BenchmarkRequestDto, CreateRunRequestDto } from './dto/create-run.dto';
import { ListRunsQueryDto } from './dto/list-runs.dto';
import { RescoreRunRequestDto } from './dto/rescore-run.dto';
import { RunQueueService } from './run-queue.service';
import { planRun } from './run-plan';
import { PreparedRun, WrittenRun, writeRun } from './run-writer';

/** Backends a worker can run; imported models (published scores only) have none. */
const RUNNABLE_BACKENDS: string[] = Object.values(BackendKind);

/** The end of a `to` filter: a date alone (YYYY-MM-DD) includes its whole day. */
const endOf = (to: string): Date => (/^\d{4}-\d{2}-\d{2}$/.test(to) ? new Date(Date.parse(to) + 86_400_000) : new Date(to));

export const isRunnable = (model: Pick<ModelEntity, 'backend'>): boolean => RUNNABLE_BACKENDS.includes(model.backend.kind);

export interface CreatedRun {
  run: RunEntity;
  shards: number;
  samples: number;
}

@Injectable()
export class RunsService {
  private readonly logger = new Logger(RunsService.name);

  constructor(
    private readonly runs: RunsRepository,
    private readonly shards: ShardsRepository,
    private readonly models: ModelsService,
    private readonly catalog: BenchmarkCatalog,
    private readonly queue: RunQueueService,
    private readonly events: RunEvents,
  ) {}

  /**
   * backendOverride: the backend the shards use instead of the model's (re-scoring: the source's replay).
   * With an Idempotency-Key, a retry gets the run the key first made: a sequential one finds it, and one
   * racing it to the unique key loses the insert and answers with the winner's run.
   */
  async create(dto: CreateRunRequestDto, scope: ProjectScope, idempotencyKey?: string, backendOverride?: ReplayBackendSpec): Promise<CreatedRun> {
    const projectId = ownerProject(scope, DEFAULT_PROJECT_ID);
    if (idempotencyKey) {
      const existing = await this.byIdempotencyKey(idempotencyKey, projectId);
      if (existing) return existing;
    }
    const prepared = await this.prepare(dto, scope, backendOverride);
    let written: WrittenRun;
    try {
      written = await this.runs.transaction((tx) => writeRun(tx, prepared, idempotencyKey));
    } catch (err) {
      const raced = idempotencyKey && isUniqueViolation(err) ? await this.byIdempotencyKey(idempotencyKey, projectId) : null;
      if (raced) return raced;
      throw err;
    }
    await this.enqueue(written);
    return { run: written.run, shards: written.shardIds.length, samples: written.samples };
  }

  /** Validates a run request (a model that can run, known benchmarks) and plans it; writes nothing. */
  async prepare(dto: CreateRunRequestDto, scope: ProjectScope, backendOverride?: ReplayBackendSpec): Promise<PreparedRun> {
    const model = await this.models.get(dto.modelId, scope);
    if (!isRunnable(model)) {
      throw invalidInput(`model ${model.name} has no backend that can run (its backend is "${model.backend.kind}"; imported models carry published scores only)`);
    }
    const planned = await this.planBenchmarks(dto.benchmarks, scope);
    return { dto, projectId: ownerProject(scope, DEFAULT_PROJECT_ID), backendKind: (backendOverride ?? model.backend).kind, backendOverride, planned };
  }

  /** The requested benchmarks as tasks to shard and groups to aggregate; unknown names are refused. */
  async planBenchmarks(benchmarks: BenchmarkRequestDto[], scope: ProjectScope): Promise<PreparedRun['planned']> {
    await this.catalog.ensureVisible(benchmarks.map((b) => b.name), scope);
    return planRun(this.catalog.registry, benchmarks);
  }

  /**
   * Enqueues a written run's flow. The run is in Postgres already: when the queue is down it stays queued
   * and the results service's reconciler enqueues it once Redis answers again (false here).
   */
  async enqueue(written: WrittenRun): Promise<boolean> {
    const { run } = written;
    try {
      await this.queue.enqueueRun(run, written.backendKind, written.shardIds);
      return true;
    } catch (err) {
      this.logger.warn(`run ${run.id}: not enqueued yet (${(err as Error).message}); the reconciler enqueues it when the queue is back`);
      return false;
    }
  }

  /** A run of the scope's project; another project's is not found. */
  async get(id: string, scope: ProjectScope): Promise<RunEntity & { model?: { name: string } }> {
    const run = await this.runs.getWithModel(id);
    if (!run || !inScope(scope, run.projectId)) throw notFound('run', id);
    return run;
  }

  async list(q: ListRunsQueryDto, scope: ProjectScope): Promise<[RunListItem[], number, boolean]> {
    return this.runs.list({
      projectId: scope.projectId,
      status: q.status,
      modelId: q.modelId,
      model: q.model ? { nameOrId: q.model, orId: isUUID(q.model) } : undefined,
      pool: q.pool,
      benchmark: q.benchmark,
      from: q.from ? new Date(q.from) : undefined,
      to: q.to ? endOf(q.to) : undefined,
      limit: q.limit,
      offset: q.offset,
    });
  }

  /** Cancels a queued or running run: pending shards are cancelled; running ones stop at their next progress report. */
  async cancel(id: string, scope: ProjectScope): Promise<RunEntity> {
    const run = await this.get(id, scope);
    if ([RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled].includes(run.status)) {
      throw new DomainException(ErrorCode.Conflict, `run ${id} already ended (${run.status})`);
    }
    const cancelled = await this.runs.transaction(async (tx) => {
      await this.runs.markCancelled(id, 'cancelled by user', tx);
      return this.shards.cancelOpen(id, tx);
    });
    const model = await this.models.get(run.modelId, scope);
    const removed = await this.queue.removePending(run.pool, (run.backendOverride ?? model.backend).kind, cancelled);
    this.logger.log(`run ${id} cancelled: ${removed} queued shard jobs removed, running shards stop at their next progress report`);
    await this.events.publish(id, 'cancelled');
    return this.get(id, scope);
  }

  /**
   * Re-scores a succeeded run: a new run over the same model, benchmarks (limits, few-shot) and seed,
   * whose shards are answered by the replay of the source's stored outputs on the pool's replay queue.
   * With unchanged scoring its results equal the source's. Its shards are sized for replaying (thousands
   * of documents: a replayed sample costs far less than the shard's fixed cost) unless the request sets
   * a size; results do not depend on sharding.
   */
  async rescore(id: string, dto: RescoreRunRequestDto, scope: ProjectScope, idempotencyKey?: string): Promise<CreatedRun> {
    if (idempotencyKey) {
      const existing = await this.byIdempotencyKey(idempotencyKey, ownerProject(scope, DEFAULT_PROJECT_ID));
      if (existing) return existing;
    }
    const source = await this.get(id, scope);
    if (source.status !== RunStatus.Succeeded) {
      throw new DomainException(ErrorCode.Conflict, `run ${id} is ${source.status}: only a succeeded run has every output stored to re-score`, { status: source.status });
    }
    const replay: ReplayBackendSpec = { kind: BackendKind.Replay, sourceRunId: source.id };
    const dtoFromSource = Object.assign(new CreateRunRequestDto(), {
      modelId: source.modelId,
      benchmarks: source.benchmarks.map((b) => ({ ...b })),
      pool: dto.pool ?? source.pool,
      shardSize: dto.shardSize,
      seed: source.seed,
      priority: dto.priority ?? source.priority,
    });
    // The new run belongs to the source's project, whoever (an admin, say) asked for it.
    const created = await this.create(dtoFromSource, { projectId: source.projectId }, idempotencyKey, replay);
    this.logger.log(`run ${created.run.id} re-scores run ${source.id} (${created.shards} shards on ${dtoFromSource.pool}, replay)`);
    return created;
  }

  private async byIdempotencyKey(idempotencyKey: string, projectId: string): Promise<CreatedRun | null> {
    const existing = await this.runs.byIdempotencyKey(idempotencyKey, projectId);
    return existing ? { run: existing, ...(await this.shards.runSize(existing.id)) } : null;
  }
}
