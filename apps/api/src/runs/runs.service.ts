import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, Repository } from 'typeorm';
import { BackendKind, DomainException, ErrorCode, invalidInput, notFound, ReplayBackendSpec, RunStatus, ShardStatus } from '@app/contracts';
import { RunBenchmarkEntity, RunEntity, ShardEntity } from '@app/database';
import { artifactKeys } from '@app/storage';
import { BenchmarkCatalog } from '../benchmarks/benchmark-catalog.service';
import { ModelsService } from '../models/models.service';
import { CreateRunRequestDto } from './dto/create-run.dto';
import { ListRunsQueryDto } from './dto/list-runs.dto';
import { RescoreRunRequestDto } from './dto/rescore-run.dto';
import { RunQueueService } from './run-queue.service';
import { planRun } from './run-plan';
import { autoShardSize, planShards } from './shard-plan';

/** Backends a worker can run; imported models (published scores only) have none. */
const RUNNABLE_BACKENDS: string[] = Object.values(BackendKind);

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
  async create(dto: CreateRunRequestDto, idempotencyKey?: string, backendOverride?: ReplayBackendSpec): Promise<CreatedRun> {
    if (idempotencyKey) {
      const existing = await this.runs.findOneBy({ idempotencyKey });
      if (existing) return { run: existing, ...(await this.counts(existing.id)) };
    }
    const model = await this.models.get(dto.modelId);
    if (!RUNNABLE_BACKENDS.includes(model.backend.kind)) {
      throw invalidInput(`model ${model.name} has no backend that can run (its backend is "${model.backend.kind}"; imported models carry published scores only)`);
    }
    await this.catalog.ensureKnown(dto.benchmarks.map((b) => b.name));
    const planned = await planRun(this.catalog.registry, dto.benchmarks);

    const { run, shardIds, samples } = await this.db.transaction(async (tx) => {
      const run = await tx.save(
        tx.create(RunEntity, {
          modelId: dto.modelId,
          status: RunStatus.Queued,
          pool: dto.pool,
          priority: dto.priority,
          shardSize: dto.shardSize ?? null,
          seed: dto.seed,
          benchmarks: dto.benchmarks.map((b) => ({ ...b })),
          idempotencyKey: idempotencyKey ?? null,
          backendOverride: backendOverride ?? null,
        }),
      );
      const shardRows: Array<Omit<ShardEntity, 'status' | 'attempts' | 'workerId' | 'doneSamples' | 'error' | 'envelope' | 'startedAt' | 'finishedAt' | 'ingestedAt' | 'run' | 'runBenchmark'>> = [];
      let samples = 0;
      for (const g of planned.groups) {
        await tx.save(tx.create(RunBenchmarkEntity, { runId: run.id, name: g.name, isGroup: true, numFewshot: g.numFewshot, limit: null, totalSamples: g.total, taskInfo: { leaves: g.leaves } }));
      }
      for (const p of planned.tasks) {
        const rb = await tx.save(
          tx.create(RunBenchmarkEntity, { runId: run.id, name: p.name, numFewshot: p.numFewshot, limit: p.limit, totalSamples: p.total }),
        );
        samples += p.total;
        planShards(p.total, dto.shardSize ?? autoShardSize(p.total, backendOverride ? 'replay' : 'model')).forEach((r, index) => {
          const id = randomUUID();
          shardRows.push({
            id,
            runId: run.id,
            runBenchmarkId: rb.id,
            benchmark: p.name,
            index,
            docStart: r.start,
            docEnd: r.end,
            artifactKey: artifactKeys.shardSamples(run.id, p.name, id),
          });
        });
      }
      // Bounded statements: Postgres takes at most 65,535 parameters per query.
      for (let i = 0; i < shardRows.length; i += 1000) await tx.insert(ShardEntity, shardRows.slice(i, i + 1000));
      const shardIds = shardRows.map((s) => s.id);
      return { run, shardIds, samples };
    });

    try {
      await this.queue.enqueueRun(run, (backendOverride ?? model.backend).kind, shardIds);
    } catch (err) {
      this.logger.error(`run ${run.id}: enqueue failed: ${(err as Error).message}`);
      await this.runs.update(run.id, { status: RunStatus.Failed, error: `queue unavailable: ${(err as Error).message}`, finishedAt: new Date() });
      throw new DomainException(ErrorCode.Transient, `the queue is unavailable; run ${run.id} was not started`);
    }
    return { run, shards: shardIds.length, samples };
  }

  async get(id: string): Promise<RunEntity & { model?: { name: string } }> {
    const run = await this.runs.findOne({ where: { id }, relations: { model: true } });
    if (!run) throw notFound('run', id);
    return run;
  }

  async list(q: ListRunsQueryDto): Promise<[RunEntity[], number]> {
    const where: FindOptionsWhere<RunEntity> = {};
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
  async cancel(id: string): Promise<RunEntity> {
    const run = await this.get(id);
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
    const model = await this.models.get(run.modelId);
    const removed = await this.queue.removePending(run.pool, (run.backendOverride ?? model.backend).kind, cancelled);
    this.logger.log(`run ${id} cancelled: ${removed} queued shard jobs removed, running shards stop at their next progress report`);
    return this.get(id);
  }

  /**
   * Re-scores a succeeded run: a new run over the same model, benchmarks (limits, few-shot) and seed,
   * whose shards are answered by the replay of the source's stored outputs on the pool's replay queue.
   * With unchanged scoring its results equal the source's. Its shards are sized for replaying (thousands
   * of documents: a replayed sample costs far less than the shard's fixed cost) unless the request sets
   * a size; results do not depend on sharding.
   */
  async rescore(id: string, dto: RescoreRunRequestDto, idempotencyKey?: string): Promise<CreatedRun> {
    if (idempotencyKey) {
      const existing = await this.runs.findOneBy({ idempotencyKey });
      if (existing) return { run: existing, ...(await this.counts(existing.id)) };
    }
    const source = await this.get(id);
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
    const created = await this.create(dtoFromSource, idempotencyKey, replay);
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
