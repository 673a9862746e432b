import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, In, Repository } from 'typeorm';
import { BackendKind, DomainException, ErrorCode, invalidInput, notFound, ReplayBackendSpec, RunStatus, ShardStatus } from '@app/contracts';
import { DEFAULT_PROJECT_ID, ModelEntity, RunEntity, ShardEntity } from '@app/database';
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
    @InjectRepository(RunEntity) private readonly runs: Repository<RunEntity>,
    @InjectRepository(ShardEntity) private readonly shards: Repository<ShardEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly models: ModelsService,
    private readonly catalog: BenchmarkCatalog,
    private readonly queue: RunQueueService,
  ) {}

  /** backendOverride: the backend the shards use instead of the model's (re-scoring: the source's replay). */
  async create(dto: CreateRunRequestDto, scope: ProjectScope, idempotencyKey?: string, backendOverride?: ReplayBackendSpec): Promise<CreatedRun> {
    const projectId = ownerProject(scope, DEFAULT_PROJECT_ID);
    if (idempotencyKey) {
      const existing = await this.runs.findOneBy({ idempotencyKey, projectId });
      if (existing) return { run: existing, ...(await this.counts(existing.id)) };
    }
    const prepared = await this.prepare(dto, scope, backendOverride);
    const written = await this.db.transaction((tx) => writeRun(tx, prepared, idempotencyKey));
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

  /** Enqueues a written run's flow; when the queue is down, the run is marked failed and a Transient error thrown. */
  async enqueue(written: WrittenRun): Promise<void> {
    const { run } = written;
    try {
      await this.queue.enqueueRun(run, written.backendKind, written.shardIds);
    } catch (err) {
      this.logger.error(`run ${run.id}: enqueue failed: ${(err as Error).message}`);
      await this.runs.update(run.id, { status: RunStatus.Failed, error: `queue unavailable: ${(err as Error).message}`, finishedAt: new Date() });
      throw new DomainException(ErrorCode.Transient, `the queue is unavailable; run ${run.id} was not started`);
    }
  }

  /** Fails written runs that were never enqueued (the queue failed while their batch was being started). */
  async failUnstarted(runIds: string[], reason: string): Promise<void> {
    if (runIds.length === 0) return;
    await this.runs.update({ id: In(runIds), status: RunStatus.Queued }, { status: RunStatus.Failed, error: reason, finishedAt: new Date() });
  }

  /** A run of the scope's project; another project's is not found. */
  async get(id: string, scope: ProjectScope): Promise<RunEntity & { model?: { name: string } }> {
    const run = await this.runs.findOne({ where: { id }, relations: { model: true } });
    if (!run || !inScope(scope, run.projectId)) throw notFound('run', id);
    return run;
  }

  async list(q: ListRunsQueryDto, scope: ProjectScope): Promise<[RunEntity[], number]> {
    const where: FindOptionsWhere<RunEntity> = {};
    if (scope.projectId) where.projectId = scope.projectId;
    if (q.status) where.status = q.status;
    if (q.modelId) where.modelId = q.modelId;
    if (q.pool) where.pool = q.pool;
    // The summary's columns only: a finished run's metrics and envelope (jsonb) are not parsed for a list page.
    return this.runs.findAndCount({
      select: { id: true, modelId: true, status: true, pool: true, benchmarks: true, error: true, createdAt: true, finishedAt: true },
      where,
      order: { createdAt: 'DESC' },
      take: q.limit,
      skip: q.offset,
    });
  }

  /** Cancels a queued or running run: pending shards are cancelled; running ones stop at their next progress report. */
  async cancel(id: string, scope: ProjectScope): Promise<RunEntity> {
    const run = await this.get(id, scope);
    if ([RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled].includes(run.status)) {
      throw new DomainException(ErrorCode.Conflict, `run ${id} already ended (${run.status})`);
    }
    const cancelled = await this.db.transaction(async (tx) => {
      await tx.update(RunEntity, { id }, { status: RunStatus.Cancelled, error: 'cancelled by user', finishedAt: new Date() });
      const rows: Array<{ id: string }> = await tx.query(
        // A top-level SELECT: for a bare UPDATE … RETURNING, TypeORM's query() returns [rows, count].
        `WITH c AS (UPDATE shards SET status = $2 WHERE run_id = $1 AND status IN ($3, $4) RETURNING id) SELECT id FROM c`,
        [id, ShardStatus.Cancelled, ShardStatus.Pending, ShardStatus.Running],
      );
      return rows.map((r) => r.id);
    });
    const model = await this.models.get(run.modelId, scope);
    const removed = await this.queue.removePending(run.pool, (run.backendOverride ?? model.backend).kind, cancelled);
    this.logger.log(`run ${id} cancelled: ${removed} queued shard jobs removed, running shards stop at their next progress report`);
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
      const existing = await this.runs.findOneBy({ idempotencyKey, projectId: ownerProject(scope, DEFAULT_PROJECT_ID) });
      if (existing) return { run: existing, ...(await this.counts(existing.id)) };
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

  private async counts(runId: string): Promise<{ shards: number; samples: number }> {
    const r = await this.shards
      .createQueryBuilder('s')
      .select('count(*)::int', 'shards')
      .addSelect('coalesce(sum(s.doc_end - s.doc_start), 0)::int', 'samples')
      .where('s.run_id = :runId', { runId })
      .getRawOne<{ shards: number; samples: number }>();
    return r ?? { shards: 0, samples: 0 };
  }
}
