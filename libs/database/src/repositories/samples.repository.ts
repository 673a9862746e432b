import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource } from 'typeorm';
import { SAMPLE_COLUMNS } from '@app/contracts';
import { Queryable, SqlStatements } from './sql';

/** Where a shard's rows are COPYed: straight into samples (a fresh shard), or a temporary table to insert idempotently. */
export type SampleTarget = 'samples' | 'tmp_samples';

/** The conditional loss of a run's gold answers for one benchmark: sums in document order. */
export interface LossRow {
  benchmark: string;
  n: number;
  nll: number;
  tokens: number;
  bytes: number;
}

/** A page entry of a run's samples: which document, in which shard artifact. */
export interface SampleLocation {
  benchmark: string;
  doc_id: number;
  artifact_key: string;
}

/** What one shard's COPY put in its target: rows, distinct documents, rows not of the shard, rows with bad metrics. */
export interface CopiedCheck {
  n: number;
  docs: number;
  foreign: number;
  badMetrics: number;
}

/** A shard's identity and document range, as ingestion checks its rows. */
export interface ShardRange {
  id: string;
  runId: string;
  benchmark: string;
  docStart: number;
  docEnd: number;
}

/** An ingestion's transaction: statements on tx, COPY on its connection's client; nothing is kept unless committed. */
export interface IngestTransaction {
  readonly tx: Queryable;
  readonly client: PoolClient;
  commit(): Promise<void>;
}

const pageSql = (byBenchmark: boolean) => {
  const filter = byBenchmark ? 'AND s.benchmark = $2 ' : '';
  const n = byBenchmark ? 3 : 2;
  return {
    count: `SELECT count(*)::int AS total FROM samples s WHERE s.run_id = $1 ${filter}`.trimEnd(),
    page: `
      SELECT s.benchmark, s.doc_id, sh.artifact_key FROM samples s JOIN shards sh ON sh.id = s.shard_id
       WHERE s.run_id = $1 ${filter}ORDER BY s.benchmark, s.doc_id LIMIT $${n} OFFSET $${n + 1}`,
  };
};

// In samples, only the shard's key range can hold its COPY's rows (none were there before): counting that range
// through the primary key equals the rows copied exactly when every row is inside it.
const checkCopiedSql = (target: SampleTarget) => `
    SELECT count(*)::int AS n, count(DISTINCT doc_id)::int AS docs,
           count(*) FILTER (WHERE run_id <> $1 OR benchmark <> $2 OR shard_id <> $3 OR doc_id < $4 OR doc_id >= $5)::int AS foreign,
           count(*) FILTER (WHERE jsonb_typeof(metrics) <> 'object' OR jsonb_path_exists(metrics, '$.* ? (@.type() != "number")'))::int AS "badMetrics"
      FROM ${target} WHERE ${target === 'samples' ? 'run_id = $1 AND benchmark = $2 AND doc_id >= $4 AND doc_id < $5' : 'true'}`;

const copySql = (target: SampleTarget) => `COPY ${target} (${SAMPLE_COLUMNS}) FROM STDIN`;

export const SAMPLES_SQL = {
  // Tokens (input + output) of a run's ingested samples, per benchmark: with the samples done, a live rate.
  tokens_by_benchmark: `SELECT benchmark AS name, coalesce(sum(input_tokens + output_tokens), 0)::float8 AS tokens FROM samples WHERE run_id = $1 GROUP BY benchmark`,
  run_totals: `
    SELECT coalesce(sum(input_tokens),0)::float8 AS input, coalesce(sum(output_tokens),0)::float8 AS output,
           coalesce(sum(latency_ms::float8),0) AS busy FROM samples WHERE run_id = $1`,
  // Document order: float sums independent of ingestion order.
  run_losses: `
    SELECT benchmark, count(*)::int AS n, sum(loss_nll ORDER BY doc_id) AS nll, sum(loss_tokens)::float8 AS tokens, sum(loss_bytes)::float8 AS bytes
      FROM samples WHERE run_id = $1 AND loss_nll IS NOT NULL GROUP BY benchmark`,
  benchmark_metrics: `SELECT metrics FROM samples WHERE run_id = $1 AND benchmark = $2 ORDER BY doc_id`,
  page_count: pageSql(false).count,
  page: pageSql(false).page,
  page_count_of_benchmark: pageSql(true).count,
  page_of_benchmark: pageSql(true).page,
  copy_into_samples: copySql('samples'),
  copy_into_tmp_samples: copySql('tmp_samples'),
  create_tmp_samples: `CREATE TEMP TABLE tmp_samples (LIKE samples INCLUDING DEFAULTS) ON COMMIT DROP`,
  insert_from_tmp_samples: `
    WITH ins AS (INSERT INTO samples SELECT * FROM tmp_samples ON CONFLICT (run_id, benchmark, doc_id) DO NOTHING RETURNING 1)
    SELECT count(*)::int AS n FROM ins`,
  drop_tmp_samples: `DROP TABLE tmp_samples`,
  check_copied_samples: checkCopiedSql('samples'),
  check_copied_tmp_samples: checkCopiedSql('tmp_samples'),
  // Shards of one COPY whose range does not hold exactly their rows, all with their shard id and metrics of numbers.
  check_copied_batch: `
    SELECT f.id FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[], $5::int[]) AS f(id, run_id, benchmark, doc_start, doc_end)
      LEFT JOIN samples s ON s.run_id = f.run_id AND s.benchmark = f.benchmark AND s.doc_id >= f.doc_start AND s.doc_id < f.doc_end
     GROUP BY f.id, f.doc_start, f.doc_end
    HAVING count(s.doc_id) <> f.doc_end - f.doc_start
        OR count(*) FILTER (WHERE s.shard_id <> f.id) > 0
        OR count(*) FILTER (WHERE jsonb_typeof(s.metrics) <> 'object' OR jsonb_path_exists(s.metrics, '$.* ? (@.type() != "number")')) > 0`,
} satisfies SqlStatements;

/** The samples aggregate: one row per scored document of a run, loaded by ingestion, read by aggregation and the API. */
@Injectable()
export class SamplesRepository {
  constructor(private readonly db: DataSource) {}

  tokensByBenchmark(runId: string): Promise<Array<{ name: string; tokens: number }>> {
    return this.db.query(SAMPLES_SQL.tokens_by_benchmark, [runId]);
  }

  /** Tokens and busy time (the sum of latencies) of a run's samples. */
  async runTotals(runId: string): Promise<{ input: number; output: number; busy: number }> {
    const [row] = await this.db.query(SAMPLES_SQL.run_totals, [runId]);
    return row;
  }

  runLosses(runId: string): Promise<LossRow[]> {
    return this.db.query(SAMPLES_SQL.run_losses, [runId]);
  }

  /** Per-sample metrics of one benchmark of a run, in document order. */
  benchmarkMetrics(runId: string, benchmark: string): Promise<Array<{ metrics: Record<string, number> }>> {
    return this.db.query(SAMPLES_SQL.benchmark_metrics, [runId, benchmark]);
  }

  /** A page of a run's (or one benchmark's) samples in document order, and how many there are. */
  async page(runId: string, benchmark: string | undefined, limit: number, offset: number): Promise<{ rows: SampleLocation[]; total: number }> {
    const params: unknown[] = benchmark ? [runId, benchmark] : [runId];
    const [[{ total }], rows] = await Promise.all([
      this.db.query(benchmark ? SAMPLES_SQL.page_count_of_benchmark : SAMPLES_SQL.page_count, params) as Promise<Array<{ total: number }>>,
      this.db.query(benchmark ? SAMPLES_SQL.page_of_benchmark : SAMPLES_SQL.page, [...params, limit, offset]) as Promise<SampleLocation[]>,
    ]);
    return { rows, total };
  }

  /** Runs fn in a transaction on a connection of its own (COPY needs the driver's client); rolls back unless fn committed. */
  async ingestTransaction<T>(fn: (t: IngestTransaction) => Promise<T>): Promise<T> {
    const runner = this.db.createQueryRunner();
    const client = (await runner.connect()) as PoolClient;
    try {
      await runner.startTransaction();
      const result = await fn({ tx: runner.manager, client, commit: () => runner.commitTransaction() });
      // fn returned without committing (e.g. the shard was ingested already): nothing to keep.
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
  }

  /** A COPY (text format, SAMPLE_COLUMNS) into target on the transaction's connection: pipe the rows into it. */
  copyInto(t: IngestTransaction, target: SampleTarget): ReturnType<typeof copyFrom> {
    return t.client.query(copyFrom(target === 'samples' ? SAMPLES_SQL.copy_into_samples : SAMPLES_SQL.copy_into_tmp_samples));
  }

  /** The temporary table a shard whose documents are partly in samples is COPYed into; dropped at commit. */
  async createTmp(t: IngestTransaction): Promise<void> {
    await t.tx.query(SAMPLES_SQL.create_tmp_samples);
  }

  /** Inserts the temporary table's rows not in samples yet and drops it (a batch may need it again); how many were new. */
  async insertFromTmp(t: IngestTransaction): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await t.tx.query(SAMPLES_SQL.insert_from_tmp_samples);
    await t.tx.query(SAMPLES_SQL.drop_tmp_samples);
    return n;
  }

  /** What one shard's COPY put into target (in samples: the shard's key range). */
  async checkCopied(t: IngestTransaction, target: SampleTarget, shard: ShardRange): Promise<CopiedCheck> {
    const sql = target === 'samples' ? SAMPLES_SQL.check_copied_samples : SAMPLES_SQL.check_copied_tmp_samples;
    const [check] = await t.tx.query(sql, [shard.runId, shard.benchmark, shard.id, shard.docStart, shard.docEnd]);
    return check;
  }

  /** Ids of the shards of one COPY into samples whose ranges fail the check (see check_copied_batch). */
  async checkCopiedBatch(t: IngestTransaction, shards: ShardRange[]): Promise<string[]> {
    const col = <T>(f: (s: ShardRange) => T) => shards.map(f);
    const bad: Array<{ id: string }> = await t.tx.query(SAMPLES_SQL.check_copied_batch, [
      col((s) => s.id),
      col((s) => s.runId),
      col((s) => s.benchmark),
      col((s) => s.docStart),
      col((s) => s.docEnd),
    ]);
    return bad.map((b) => b.id);
  }
}
