import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { RunStatus } from '@app/contracts';
import { RunBenchmarkEntity } from '../entities/run-benchmark.entity';
import { RunEntity } from '../entities/run.entity';
import { managerOf, Queryable, SqlStatements } from './sql';

/** A run's list filters; every one optional but the page. */
export interface RunListFilter {
  projectId?: string | null;
  status?: RunStatus;
  modelId?: string;
  /** A model name; with orId also a model id (the caller checked it is a UUID). */
  model?: { nameOrId: string; orId: boolean };
  pool?: string;
  benchmark?: string;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  limit: number;
  offset: number;
}

/** The summary columns of a listed run: a finished run's metrics and envelope (jsonb) are not read for a list page. */
export type RunListItem = Pick<RunEntity, 'id' | 'modelId' | 'status' | 'pool' | 'benchmarks' | 'error' | 'createdAt' | 'finishedAt'> & {
  model: { id: string; name: string } | null;
};

/** A run_benchmarks row as the run view shows it, with the samples its shards report done. */
export interface RunBenchmarkProgressRow {
  name: string;
  isGroup: boolean;
  total: number;
  numFewshot: number | null;
  metrics: RunBenchmarkEntity['metrics'];
  leaves: string[] | null;
  done: number;
}

/** A queued or running run as the reconciler rebuilds its flow: pool, priority and the backend kind of its queue. */
export interface OpenRunRow {
  id: string;
  pool: string;
  priority: number;
  backend: string;
}

/** What finalizing writes on a run. */
export type RunSettlement = Pick<RunEntity, 'status' | 'error' | 'metrics' | 'inputTokens' | 'outputTokens' | 'busyMs' | 'wallMs' | 'finishedAt' | 'envelope'>;

const LIST_COLUMNS = `r.id, r.model_id AS "modelId", r.status, r.pool, r.benchmarks, r.error, r.created_at AS "createdAt",
           r.finished_at AS "finishedAt", m.id AS "mId", m.name AS "mName"`;

/**
 * How many matches past the page a list counts. An exact count(*) reads every matching run (a scan of
 * them all, ~0.2 µs a row however indexed: an index-only scan is no faster than the heap's), so a list
 * over 100k runs paid ~20 ms of Postgres CPU a request for a page that needs 20 rows; the count stops
 * here instead, and a total at the cap is a lower bound (RunsRepository.list says which).
 */
export const RUN_COUNT_AHEAD = 1000;

/** The list statement for the filters given (the page, or its count up to RUN_COUNT_AHEAD past the page) and its parameters. */
export function buildRunListSql(f: RunListFilter, count = false): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  if (f.projectId) where.push(`r.project_id = ${p(f.projectId)}`);
  if (f.status) where.push(`r.status = ${p(f.status)}`);
  if (f.modelId) where.push(`r.model_id = ${p(f.modelId)}`);
  if (f.model) {
    const name = p(f.model.nameOrId);
    where.push(f.model.orId ? `(m.name = ${name} OR m.id = CAST(${name} AS uuid))` : `m.name = ${name}`);
  }
  if (f.pool) where.push(`r.pool = ${p(f.pool)}`);
  if (f.benchmark) where.push(`r.benchmarks @> CAST(${p(JSON.stringify([{ name: f.benchmark }]))} AS jsonb)`);
  if (f.from) where.push(`r.created_at >= ${p(f.from)}`);
  if (f.to) where.push(`r.created_at < ${p(f.to)}`);
  // Indented as the other statements, so that the .sql file shows them alike.
  const filter = where.length ? `\n     WHERE ${where.join('\n       AND ')}` : '';
  const from = `\n      FROM runs r LEFT JOIN models m ON m.id = r.model_id${filter}`;
  if (count) {
    const cap = p(f.offset + f.limit + RUN_COUNT_AHEAD);
    return { sql: `\n    SELECT count(*)::int AS n FROM (\n    SELECT 1${from}\n     LIMIT ${cap}) matched`, params };
  }
  return { sql: `\n    SELECT ${LIST_COLUMNS}${from}\n     ORDER BY r.created_at DESC LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`, params };
}

const ALL_FILTERS: RunListFilter = {
  projectId: 'p',
  status: RunStatus.Running,
  modelId: 'm',
  model: { nameOrId: 'n', orId: true },
  pool: 'cpu',
  benchmark: 'b',
  from: new Date(0),
  to: new Date(0),
  limit: 1,
  offset: 0,
};

export const RUNS_SQL = {
  list_all_filters: buildRunListSql(ALL_FILTERS).sql,
  count_all_filters: buildRunListSql(ALL_FILTERS, true).sql,
  // Progress per benchmark of a run: the samples its shards report done.
  view_benchmarks: `
    SELECT rb.name, rb.is_group AS "isGroup", rb.total_samples AS total, rb.num_fewshot AS "numFewshot", rb.metrics,
           rb.task_info->'leaves' AS leaves, coalesce(sum(s.done_samples), 0)::int AS done
      FROM run_benchmarks rb LEFT JOIN shards s ON s.run_id = $1 AND s.run_benchmark_id = rb.id
     WHERE rb.run_id = $1 GROUP BY rb.id ORDER BY rb.name`,
  // Older than the grace (ms): a younger run may still be enqueueing.
  open_runs: `
    SELECT r.id, r.pool, r.priority, coalesce(r.backend_override->>'kind', m.backend->>'kind') AS backend
      FROM runs r JOIN models m ON m.id = r.model_id
     WHERE r.status IN ($1, $2) AND r.created_at < now() - make_interval(secs => $3::float8 / 1000)
     ORDER BY r.created_at`,
} satisfies SqlStatements;

/** The runs aggregate: runs and their run_benchmarks. */
@Injectable()
export class RunsRepository {
  constructor(private readonly db: DataSource) {}

  /** Runs fn in one transaction; the repositories' methods given its tx run inside it. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => fn(tx));
  }

  get(id: string): Promise<RunEntity | null> {
    return this.db.getRepository(RunEntity).findOneBy({ id });
  }

  /** A run with its model's name. */
  getWithModel(id: string): Promise<(RunEntity & { model?: { name: string } }) | null> {
    return this.db.getRepository(RunEntity).findOne({ where: { id }, relations: { model: true } });
  }

  byIdempotencyKey(idempotencyKey: string, projectId: string): Promise<RunEntity | null> {
    return this.db.getRepository(RunEntity).findOneBy({ idempotencyKey, projectId });
  }

  /** A page of runs, newest first, how many match, and whether that is all of them (false: at least that many). */
  async list(f: RunListFilter): Promise<[RunListItem[], number, boolean]> {
    const page = buildRunListSql(f);
    const count = buildRunListSql(f, true);
    const [rows, [{ n }]] = await Promise.all([
      this.db.query(page.sql, page.params) as Promise<Array<Omit<RunListItem, 'model'> & { mId: string | null; mName: string | null }>>,
      this.db.query(count.sql, count.params) as Promise<Array<{ n: number }>>,
    ]);
    return [rows.map(({ mId, mName, ...r }) => ({ ...r, model: mId === null ? null : { id: mId, name: mName! } })), n, n < f.offset + f.limit + RUN_COUNT_AHEAD];
  }

  /** Inserts a run (its id generated unless given). */
  insert(run: Partial<RunEntity>, tx?: Queryable): Promise<RunEntity> {
    const m = managerOf(tx ?? this.db);
    return m.save(m.create(RunEntity, run));
  }

  insertBenchmark(rb: Partial<RunBenchmarkEntity>, tx?: Queryable): Promise<RunBenchmarkEntity> {
    const m = managerOf(tx ?? this.db);
    return m.save(m.create(RunBenchmarkEntity, rb));
  }

  async markCancelled(id: string, error: string, tx?: Queryable): Promise<void> {
    await managerOf(tx ?? this.db).update(RunEntity, { id }, { status: RunStatus.Cancelled, error, finishedAt: new Date() });
  }

  /** A run's benchmarks (groups and tasks), by name. */
  benchmarks(runId: string): Promise<RunBenchmarkEntity[]> {
    return this.db.getRepository(RunBenchmarkEntity).find({ where: { runId }, order: { name: 'ASC' } });
  }

  viewBenchmarks(runId: string): Promise<RunBenchmarkProgressRow[]> {
    return this.db.query(RUNS_SQL.view_benchmarks, [runId]);
  }

  /** Queued and running runs created more than graceMs ago, oldest first. */
  openRuns(graceMs: number): Promise<OpenRunRow[]> {
    return this.db.query(RUNS_SQL.open_runs, [RunStatus.Queued, RunStatus.Running, graceMs]);
  }

  async setBenchmarkResults(runId: string, name: string, metrics: RunBenchmarkEntity['metrics'], doneSamples: number, tx?: Queryable): Promise<void> {
    await managerOf(tx ?? this.db).update(RunBenchmarkEntity, { runId, name }, { metrics, doneSamples });
  }

  async settle(runId: string, s: RunSettlement, tx?: Queryable): Promise<void> {
    // jsonb: TypeORM's deep-partial typing does not fit Record<string, unknown>.
    await managerOf(tx ?? this.db).update(RunEntity, { id: runId }, s as QueryDeepPartialEntity<RunEntity>);
  }
}
