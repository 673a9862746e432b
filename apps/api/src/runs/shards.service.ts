import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { BackendKind, BackendSpec, notFound, ReplayBackendSpec, RunStatus, ShardSpec, ShardStatus } from '@app/contracts';
import { ModelEntity, RunBenchmarkEntity, RunEntity, ShardEntity, WorkerEntity } from '@app/database';
import { RunEvents } from '@app/queue';
import { BenchmarkCatalog } from '../benchmarks/benchmark-catalog.service';

const ENDED_RUN = [RunStatus.Cancelled, RunStatus.Failed, RunStatus.Succeeded];

/** The worker-facing side of shards: claims (start + spec), progress reports with the shard's envelope. */
@Injectable()
export class ShardsService {
  constructor(
    @InjectRepository(ShardEntity) private readonly shards: Repository<ShardEntity>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly catalog: BenchmarkCatalog,
    private readonly events: RunEvents,
  ) {}

  private async spec(id: string): Promise<ShardSpec> {
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
    const effective = override?.kind === BackendKind.Replay ? await this.replaySpec(override, rest as Pick<ShardSpec, 'benchmark' | 'docStart' | 'docEnd'>) : (override ?? backend);
    return {
      ...(rest as Omit<ShardSpec, 'model' | 'taskYaml'>),
      model: { id: modelId as string, name: modelName as string, backend: effective as ShardSpec['model']['backend'] },
      taskYaml: await this.catalog.yamlFor(rest.benchmark as string),
    };
  }

  /**
   * The replay of a re-scoring shard: its source's outputs of the same benchmark, and the source's
   * artifacts holding the shard's documents, so that each worker loads only its part of the source.
   * Without source shards over the range (none stored), the worker loads the benchmark's artifacts.
   */
  private async replaySpec(replay: ReplayBackendSpec, shard: Pick<ShardSpec, 'benchmark' | 'docStart' | 'docEnd'>): Promise<ReplayBackendSpec> {
    const rows: Array<{ artifact_key: string }> = await this.db.query(
      'SELECT artifact_key FROM shards WHERE run_id = $1 AND benchmark = $2 AND doc_start < $4 AND doc_end > $3 ORDER BY doc_start',
      [replay.sourceRunId, shard.benchmark, shard.docStart, shard.docEnd],
    );
    const spec: ReplayBackendSpec = { ...replay, benchmark: shard.benchmark };
    if (rows.length) spec.artifacts = rows.map((r) => r.artifact_key);
    return spec;
  }

  /**
   * A worker starts (or restarts) a shard; its envelope is reset until the worker reports it. Refused
   * when the run has ended or the shard is done or cancelled. One statement (the shard row's lock
   * serializes racing starts): it runs once per shard on the dispatch path, where a transaction of
   * five round trips was most of the API's cost.
   */
  private async start(id: string, worker: WorkerEntity): Promise<{ proceed: boolean; reason?: string }> {
    const rows: Array<{ started: boolean; shard_status: ShardStatus | null; run_id: string | null; run_status: RunStatus | null }> = await this.db.query(
      `WITH target AS (
         SELECT s.id, s.status, s.run_id, r.status AS run_status FROM shards s JOIN runs r ON r.id = s.run_id WHERE s.id = $1
       ), started AS (
         UPDATE shards s SET status = $3, worker_id = $2, attempts = s.attempts + 1, started_at = now(), done_samples = 0, output_tokens_per_s = NULL, error = NULL, envelope = NULL
           FROM runs r
          WHERE s.id = $1 AND r.id = s.run_id AND s.status NOT IN ($4, $5) AND r.status NOT IN ($6, $7, $8)
         RETURNING s.run_id
       ), run AS (
         UPDATE runs SET status = $9, started_at = now() WHERE id IN (SELECT run_id FROM started) AND status = $10
       ), busy AS (
         UPDATE workers SET current_shard_id = $1 WHERE id = $2 AND EXISTS (SELECT 1 FROM started)
       )
       SELECT EXISTS (SELECT 1 FROM started) AS started, t.status AS shard_status, t.run_id, t.run_status
         FROM (SELECT 1) one LEFT JOIN target t ON true`,
      [id, worker.id, ShardStatus.Running, ShardStatus.Done, ShardStatus.Cancelled, ...ENDED_RUN, RunStatus.Running, RunStatus.Queued],
    );
    const r = rows[0];
    if (r.started) {
      void this.events.publish(r.run_id!, 'started');
      return { proceed: true };
    }
    if (!r.shard_status) throw notFound('shard', id);
    if (ENDED_RUN.includes(r.run_status!) || r.shard_status === ShardStatus.Cancelled) return { proceed: false, reason: `run ${r.run_id} is ${r.run_status}` };
    if (r.shard_status === ShardStatus.Done) return { proceed: false, reason: 'shard already done' };
    return { proceed: false, reason: 'the shard or its run changed while it was starting' };
  }

  /**
   * start() and spec() in one call: the worker's first request for a job, so that a shard's start is
   * recorded one round trip after the worker takes it. The envelope follows with the first progress report.
   */
  async claim(id: string, worker: WorkerEntity): Promise<{ proceed: boolean; reason?: string; spec?: ShardSpec }> {
    const control = await this.start(id, worker);
    return control.proceed ? { ...control, spec: await this.spec(id) } : control;
  }

  /**
   * Live progress from the worker running a shard; tells it to stop when the run was cancelled or
   * the shard is no longer its own. A shard the sweep put back to pending while its worker was only
   * cut off (its BullMQ lock held: no other worker can have it) is taken back by that worker's next
   * report, instead of being left pending with its job ended. (A top-level SELECT: TypeORM's query() returns [rows, count] for
   * a bare UPDATE … RETURNING, which once made every report read as "proceed".)
   */
  async progress(
    id: string,
    worker: WorkerEntity,
    done: number,
    envelope: Record<string, unknown> | null = null,
    outputTokensPerSecond: number | null = null,
  ): Promise<{ proceed: boolean; reason?: string }> {
    const rows: Array<{ updated: boolean; status: ShardStatus; worker_id: string | null; run_id: string; run_status: RunStatus }> = await this.db.query(
      `WITH upd AS (
         UPDATE shards SET done_samples = LEAST($3, doc_end - doc_start), envelope = coalesce($5::jsonb, envelope), status = $4, worker_id = $2,
                           output_tokens_per_s = coalesce($7::float8, output_tokens_per_s)
          WHERE id = $1 AND ((worker_id = $2 AND status = $4) OR (worker_id IS NULL AND status = $6)) RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM upd) AS updated, s.status, s.worker_id, s.run_id, r.status AS run_status
         FROM shards s JOIN runs r ON r.id = s.run_id WHERE s.id = $1`,
      [id, worker.id, done, ShardStatus.Running, envelope === null ? null : JSON.stringify(envelope), ShardStatus.Pending, outputTokensPerSecond],
    );
    const r = rows[0];
    if (!r) throw notFound('shard', id);
    if (!r.updated) return { proceed: false, reason: `shard is ${r.status}${r.worker_id !== worker.id ? ' on another worker' : ''}` };
    if (ENDED_RUN.includes(r.run_status)) return { proceed: false, reason: `run is ${r.run_status}` };
    void this.events.publish(r.run_id, 'progress');
    return { proceed: true };
  }
}
