import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ArtifactKind, BackendSpec, RunStatus, ShardSpec, ShardStatus } from '@app/contracts';
import { ShardEntity } from '../entities/shard.entity';
import type { ShardRange } from './samples.repository';
import { managerOf, Queryable, returningRows, SqlStatements } from './sql';

const ENDED_RUN = [RunStatus.Cancelled, RunStatus.Failed, RunStatus.Succeeded];

/** A shard as its claim needs it: the spec a worker gets, with the model's columns and the run's backend override. */
export type ShardSpecRow = Omit<ShardSpec, 'model' | 'taskYaml'> & {
  modelId: string;
  modelName: string;
  backend: BackendSpec;
  backendOverride: BackendSpec | null;
};

/** The answer to a start: whether it started, and the shard's and its run's state (all null: no such shard). */
export interface ShardStartRow {
  started: boolean;
  shard_status: ShardStatus | null;
  run_id: string | null;
  run_status: RunStatus | null;
}

/** The answer to a claim: the start's, with the shard's spec when it started. */
export interface ShardClaimRow extends ShardStartRow {
  spec: ShardSpecRow | null;
}

/** The answer to a progress report: whether it was recorded, and the shard's and its run's state. */
export interface ShardProgressRow {
  updated: boolean;
  status: ShardStatus;
  worker_id: string | null;
  run_id: string;
  run_status: RunStatus;
}

export interface ShardProgress {
  done: number;
  envelope: Record<string, unknown> | null;
  outputTokensPerSecond: number | null;
}

/** A shard not ingested yet whose job may be lost (the reconciler): its size and artifact. */
export interface OpenShardRow {
  id: string;
  samples: number;
  artifact_key: string;
}

/** A shard locked for ingestion: ingested already, and "fresh" (none of its documents in samples yet). */
export interface IngestShardRow extends ShardRange {
  artifactKey: string;
  ingested: boolean;
  fresh: boolean;
}

/** An ingested shard: its samples count and its per-sample artifact, recorded with it. */
export interface IngestedShardRecord {
  shard: Pick<IngestShardRow, 'id' | 'runId' | 'benchmark' | 'artifactKey'>;
  count: number;
  samples: { contentType?: string | null; sizeBytes: number };
}

/** A new shard, as a run is written. */
export type NewShard = Pick<ShardEntity, 'id' | 'runId' | 'runBenchmarkId' | 'benchmark' | 'index' | 'docStart' | 'docEnd' | 'artifactKey'>;

const lockSql = (skipLocked: boolean) => `
    SELECT sh.id, sh.run_id AS "runId", sh.benchmark, sh.doc_start AS "docStart", sh.doc_end AS "docEnd", sh.artifact_key AS "artifactKey",
           sh.ingested_at IS NOT NULL AS ingested,
           NOT EXISTS (SELECT 1 FROM samples s WHERE s.run_id = sh.run_id AND s.benchmark = sh.benchmark
                                                AND s.doc_id >= sh.doc_start AND s.doc_id < sh.doc_end) AS fresh
      FROM shards sh WHERE sh.id = ANY($1::uuid[]) ORDER BY sh.id FOR UPDATE OF sh${skipLocked ? ' SKIP LOCKED' : ''}`;

const ingestedKeysSql = (byBenchmark: boolean) =>
  `SELECT artifact_key FROM shards WHERE run_id = $1 AND ingested_at IS NOT NULL ${byBenchmark ? 'AND benchmark = $2 ' : ''}ORDER BY benchmark, doc_start`;

export const SHARDS_SQL = {
  // A source run's shards over a document range of a benchmark (a re-scoring shard's replay).
  replay_artifacts: `SELECT artifact_key FROM shards WHERE run_id = $1 AND benchmark = $2 AND doc_start < $4 AND doc_end > $3 ORDER BY doc_start`,
  // A claim in one statement (the shard row's lock serializes racing claims): the start, and the spec from the same
  // read. It also marks the worker busy with the shard: the workers table's one statement outside the workers
  // repository, kept here so that a claim stays one round trip.
  claim: `
    WITH target AS (
      SELECT s.id, s.status, s.run_id, r.status AS run_status, s.shard_index, s.benchmark, s.doc_start, s.doc_end, s.artifact_key,
             rb.num_fewshot, r.seed, m.id AS model_id, m.name AS model_name, m.backend, r.backend_override
        FROM shards s JOIN runs r ON r.id = s.run_id JOIN run_benchmarks rb ON rb.id = s.run_benchmark_id JOIN models m ON m.id = r.model_id
       WHERE s.id = $1
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
    SELECT EXISTS (SELECT 1 FROM started) AS started, t.status AS shard_status, t.run_id, t.run_status,
           t.id AS "shardId", t.run_id AS "runId", t.shard_index AS "shardIndex", t.benchmark, t.doc_start AS "docStart",
           t.doc_end AS "docEnd", t.artifact_key AS "artifactKey", t.num_fewshot AS "numFewshot", t.seed,
           CASE WHEN EXISTS (SELECT 1 FROM started) AND t.run_status = $10 THEN $9 ELSE t.run_status END AS "runStatus",
           t.model_id AS "modelId", t.model_name AS "modelName", t.backend, t.backend_override AS "backendOverride"
      FROM (SELECT 1) one LEFT JOIN target t ON true`,
  // A pending shard without a worker (the sweep put it back while its worker was only cut off) is taken back by that worker.
  progress: `
    WITH upd AS (
      UPDATE shards SET done_samples = LEAST($3, doc_end - doc_start), envelope = coalesce($5::jsonb, envelope), status = $4, worker_id = $2,
                        output_tokens_per_s = coalesce($7::float8, output_tokens_per_s)
       WHERE id = $1 AND ((worker_id = $2 AND status = $4) OR (worker_id IS NULL AND status = $6)) RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM upd) AS updated, s.status, s.worker_id, s.run_id, r.status AS run_status
      FROM shards s JOIN runs r ON r.id = s.run_id WHERE s.id = $1`,
  cancel_open: `UPDATE shards SET status = $2 WHERE run_id = $1 AND status IN ($3, $4) RETURNING id`,
  run_size: `SELECT count(*)::int AS shards, coalesce(sum(doc_end - doc_start), 0)::int AS samples FROM shards WHERE run_id = $1`,
  counts_by_status: `SELECT status, count(*)::int AS n, sum(output_tokens_per_s) AS rate FROM shards WHERE run_id = $1 GROUP BY status`,
  envelopes: `SELECT benchmark, envelope FROM shards WHERE run_id = $1 AND envelope IS NOT NULL ORDER BY benchmark, shard_index`,
  open_not_ingested: `
    SELECT id, doc_end - doc_start AS samples, artifact_key FROM shards
     WHERE run_id = $1 AND ingested_at IS NULL AND status IN ($2, $3) ORDER BY benchmark, shard_index`,
  open_not_ingested_of_runs: `
    SELECT run_id, id FROM shards WHERE run_id = ANY($1::uuid[]) AND ingested_at IS NULL AND status IN ($2, $3)`,
  lock_for_ingest: lockSql(false),
  lock_for_ingest_skip_locked: lockSql(true),
  // Marks shards done and ingested and records their sample artifacts: one statement for any number of shards.
  record_ingested: `
    WITH done AS (
      UPDATE shards sh SET status = $1, done_samples = d.n, ingested_at = now(), finished_at = coalesce(sh.finished_at, now()), error = NULL
        FROM unnest($2::uuid[], $3::int[]) AS d(id, n) WHERE sh.id = d.id
    )
    INSERT INTO artifacts (run_id, kind, key, content_type, size_bytes, benchmark, shard_id)
    SELECT a.run_id, $4, a.key, a.content_type, a.size_bytes, a.benchmark, a.shard_id
      FROM unnest($5::uuid[], $6::text[], $7::text[], $8::bigint[], $9::text[], $2::uuid[]) AS a(run_id, key, content_type, size_bytes, benchmark, shard_id)
    ON CONFLICT (key) DO NOTHING`,
  ingested_keys: ingestedKeysSql(false),
  ingested_keys_of_benchmark: ingestedKeysSql(true),
} satisfies SqlStatements;

/** What a worker reports with a shard's first progress: the task, backend, batch and machine behind its numbers. */
export interface ShardEnvelope {
  task?: unknown;
  backend?: Record<string, unknown>;
  batch?: unknown;
  worker?: { id?: string | null; machine?: unknown };
}

/** The shards aggregate: the units of work of a run, from planning through claim and progress to ingestion. */
@Injectable()
export class ShardsRepository {
  constructor(private readonly db: DataSource) {}

  /** Bounded statements: Postgres takes at most 65,535 parameters per query. */
  async insertMany(shards: NewShard[], tx?: Queryable): Promise<void> {
    const m = managerOf(tx ?? this.db);
    for (let i = 0; i < shards.length; i += 1000) await m.insert(ShardEntity, shards.slice(i, i + 1000));
  }

  async replayArtifacts(sourceRunId: string, benchmark: string, docStart: number, docEnd: number): Promise<string[]> {
    const rows: Array<{ artifact_key: string }> = await this.db.query(SHARDS_SQL.replay_artifacts, [sourceRunId, benchmark, docStart, docEnd]);
    return rows.map((r) => r.artifact_key);
  }

  /**
   * A worker starts (or restarts) a shard unless it is done or cancelled or its run ended; its run starts with it.
   * The answer carries the shard's spec when it started.
   */
  async claim(id: string, workerId: string): Promise<ShardClaimRow> {
    const [row] = await this.db.query(SHARDS_SQL.claim, [id, workerId, ShardStatus.Running, ShardStatus.Done, ShardStatus.Cancelled, ...ENDED_RUN, RunStatus.Running, RunStatus.Queued]);
    const { started, shard_status, run_id, run_status, ...spec } = row as ShardStartRow & ShardSpecRow;
    return { started, shard_status, run_id, run_status, spec: started ? spec : null };
  }

  /** Records a running shard's progress if it is still the worker's; null: no such shard. */
  async progress(id: string, workerId: string, p: ShardProgress): Promise<ShardProgressRow | null> {
    const envelope = p.envelope === null ? null : JSON.stringify(p.envelope);
    const [row] = await this.db.query(SHARDS_SQL.progress, [id, workerId, p.done, ShardStatus.Running, envelope, ShardStatus.Pending, p.outputTokensPerSecond]);
    return row ?? null;
  }

  /** Cancels a run's pending and running shards; their ids. */
  async cancelOpen(runId: string, tx?: Queryable): Promise<string[]> {
    const rows = await returningRows<{ id: string }>(tx ?? this.db, SHARDS_SQL.cancel_open, [runId, ShardStatus.Cancelled, ShardStatus.Pending, ShardStatus.Running]);
    return rows.map((r) => r.id);
  }

  /** A run's shards and the documents they cover. */
  async runSize(runId: string): Promise<{ shards: number; samples: number }> {
    const [row] = await this.db.query(SHARDS_SQL.run_size, [runId]);
    return row;
  }

  /** A run's shards by status, with the sum of their last reported output rates. */
  countsByStatus(runId: string): Promise<Array<{ status: ShardStatus; n: number; rate: number | null }>> {
    return this.db.query(SHARDS_SQL.counts_by_status, [runId]);
  }

  ofRun(runId: string): Promise<ShardEntity[]> {
    return this.db.getRepository(ShardEntity).find({ where: { runId }, order: { benchmark: 'ASC', index: 'ASC' } });
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db.getRepository(ShardEntity).update(id, { status: ShardStatus.Failed, error, finishedAt: new Date() });
  }

  /** The envelopes the workers reported, in shard order. */
  envelopes(runId: string): Promise<Array<{ benchmark: string; envelope: ShardEnvelope | null }>> {
    return this.db.query(SHARDS_SQL.envelopes, [runId]);
  }

  openNotIngested(runId: string): Promise<OpenShardRow[]> {
    return this.db.query(SHARDS_SQL.open_not_ingested, [runId, ShardStatus.Pending, ShardStatus.Running]);
  }

  /** The ids of the open, not ingested shards of many runs, in one query. */
  openNotIngestedOfRuns(runIds: string[]): Promise<Array<{ run_id: string; id: string }>> {
    return this.db.query(SHARDS_SQL.open_not_ingested_of_runs, [runIds, ShardStatus.Pending, ShardStatus.Running]);
  }

  /**
   * Locks shard rows (in the caller's transaction) in id order, so that two batches sharing shards lock them in
   * the same order. With skipLocked a row another transaction holds is left out instead of waited for.
   */
  lockForIngest(ids: string[], skipLocked: boolean, tx: Queryable): Promise<IngestShardRow[]> {
    return tx.query(skipLocked ? SHARDS_SQL.lock_for_ingest_skip_locked : SHARDS_SQL.lock_for_ingest, [ids]);
  }

  async recordIngested(done: IngestedShardRecord[], tx: Queryable): Promise<void> {
    if (done.length === 0) return;
    const col = <T>(f: (d: IngestedShardRecord) => T) => done.map(f);
    await tx.query(SHARDS_SQL.record_ingested, [
      ShardStatus.Done,
      col((d) => d.shard.id),
      col((d) => d.count),
      ArtifactKind.Samples,
      col((d) => d.shard.runId),
      col((d) => d.shard.artifactKey),
      col((d) => d.samples.contentType ?? 'application/gzip'),
      col((d) => d.samples.sizeBytes),
      col((d) => d.shard.benchmark),
    ]);
  }

  /** Sample artifacts of a run's (or one benchmark's) ingested shards, in document order. */
  async ingestedArtifactKeys(runId: string, benchmark?: string): Promise<string[]> {
    const rows: Array<{ artifact_key: string }> = benchmark
      ? await this.db.query(SHARDS_SQL.ingested_keys_of_benchmark, [runId, benchmark])
      : await this.db.query(SHARDS_SQL.ingested_keys, [runId]);
    return rows.map((r) => r.artifact_key);
  }
}
