import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { BackendKind, BackendSpec, notFound, RunStatus, ShardSpec, ShardStatus } from '@app/contracts';
import { ModelEntity, RunBenchmarkEntity, RunEntity, ShardEntity, WorkerEntity } from '@app/database';
import { BenchmarkCatalog } from '../benchmarks/benchmark-catalog.service';

const ENDED_RUN = [RunStatus.Cancelled, RunStatus.Failed, RunStatus.Succeeded];

/** The worker-facing side of shards: specs, start and progress reports. */
@Injectable()
export class ShardsService {
  constructor(
    @InjectRepository(ShardEntity) private readonly shards: Repository<ShardEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalog: BenchmarkCatalog,
  ) {}

  async spec(id: string): Promise<ShardSpec> {
    const row = await this.shards
      .createQueryBuilder('s')
      .innerJoin(RunEntity, 'r', 'r.id = s.run_id')
      .innerJoin(RunBenchmarkEntity, 'rb', 'rb.id = s.run_benchmark_id')
      .innerJoin(ModelEntity, 'm', 'm.id = r.model_id')
      .select([
        's.id AS "shardId"',
        's.run_id AS "runId"',
        's.shard_index AS "shardIndex"',
        's.benchmark AS benchmark',
        's.doc_start AS "docStart"',
        's.doc_end AS "docEnd"',
        's.artifact_key AS "artifactKey"',
        'rb.num_fewshot AS "numFewshot"',
        'r.seed AS seed',
        'r.status AS "runStatus"',
        'm.id AS "modelId"',
        'm.name AS "modelName"',
        'm.backend AS backend',
        'r.backend_override AS "backendOverride"',
      ])
      .where('s.id = :id', { id })
      .getRawOne<Record<string, unknown>>();
    if (!row) throw notFound('shard', id);
    const { modelId, modelName, backend, backendOverride, ...rest } = row;
    // A re-scoring run's shards replay its source's outputs of the same benchmark instead of running the model.
    const override = backendOverride as BackendSpec | null;
    const effective = override?.kind === BackendKind.Replay ? { ...override, benchmark: rest.benchmark as string } : (override ?? backend);
    return {
      ...(rest as Omit<ShardSpec, 'model' | 'taskYaml'>),
      model: { id: modelId as string, name: modelName as string, backend: effective as ShardSpec['model']['backend'] },
      taskYaml: await this.catalog.yamlFor(rest.benchmark as string),
    };
  }

  /** A worker starts (or restarts) a shard. Refused when the run has ended or the shard was cancelled. */
  async start(id: string, worker: WorkerEntity, envelope: Record<string, unknown> | null): Promise<{ proceed: boolean; reason?: string }> {
    return this.db.transaction(async (tx) => {
      const shard = await tx.findOne(ShardEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!shard) throw notFound('shard', id);
      const run = await tx.findOneByOrFail(RunEntity, { id: shard.runId });
      if (ENDED_RUN.includes(run.status) || shard.status === ShardStatus.Cancelled) {
        return { proceed: false, reason: `run ${run.id} is ${run.status}` };
      }
      if (shard.status === ShardStatus.Done) return { proceed: false, reason: 'shard already done' };
      const now = new Date();
      await tx.update(ShardEntity, { id }, {
        status: ShardStatus.Running,
        workerId: worker.id,
        attempts: shard.attempts + 1,
        startedAt: now,
        doneSamples: 0,
        error: null,
        envelope: envelope as never,
      });
      if (run.status === RunStatus.Queued) await tx.update(RunEntity, { id: run.id }, { status: RunStatus.Running, startedAt: now });
      await tx.update(WorkerEntity, { id: worker.id }, { currentShardId: id });
      return { proceed: true };
    });
  }

  /** Live progress from the worker running a shard; tells it to stop when the run was cancelled. */
  async progress(id: string, worker: WorkerEntity, done: number): Promise<{ proceed: boolean; reason?: string }> {
    const rows: Array<{ status: ShardStatus; run_status: RunStatus; worker_id: string | null }> = await this.db.query(
      `UPDATE shards s SET done_samples = LEAST($3, s.doc_end - s.doc_start)
         FROM runs r WHERE s.id = $1 AND r.id = s.run_id AND s.worker_id = $2 AND s.status = 'running'
       RETURNING s.status, r.status AS run_status, s.worker_id`,
      [id, worker.id, done],
    );
    if (rows.length === 0) {
      const shard = await this.shards.findOneBy({ id });
      if (!shard) throw notFound('shard', id);
      return { proceed: false, reason: `shard is ${shard.status}${shard.workerId !== worker.id ? ' on another worker' : ''}` };
    }
    const r = rows[0];
    if (ENDED_RUN.includes(r.run_status)) return { proceed: false, reason: `run is ${r.run_status}` };
    return { proceed: true };
  }
}
