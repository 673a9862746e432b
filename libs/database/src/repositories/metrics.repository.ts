import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type SqlStatements } from './sql';

export const METRICS_SQL = {
  runs_by_status: `SELECT status, count(*)::int AS n FROM runs GROUP BY status`,
  workers_by_status_and_pool: `SELECT status, unnest(pools) AS pool, count(*)::int AS n FROM workers GROUP BY 1, 2`,
  // Queues someone may be waiting on: those of unfinished runs, and those a registered worker serves.
  known_queues: `
    SELECT DISTINCT r.pool, m.backend->>'kind' AS backend FROM runs r JOIN models m ON m.id = r.model_id
     WHERE r.status IN ('queued', 'running')
     UNION
    SELECT DISTINCT p.pool, b.backend FROM workers w, unnest(w.pools) p(pool), unnest(w.backends) b(backend)
     WHERE w.status <> 'removed'`,
} satisfies SqlStatements;

/**
 * Read-only counts over runs and workers for Prometheus: aggregates across tables that only the scrape needs,
 * so they sit here rather than in the runs or workers repositories.
 */
@Injectable()
export class MetricsRepository {
  constructor(private readonly db: DataSource) {}

  runsByStatus(): Promise<Array<{ status: string; n: number }>> {
    return this.db.query(METRICS_SQL.runs_by_status);
  }

  workersByStatusAndPool(): Promise<Array<{ status: string; pool: string; n: number }>> {
    return this.db.query(METRICS_SQL.workers_by_status_and_pool);
  }

  /** Shard queues (pool × backend) with workers or with unfinished runs. */
  knownQueues(): Promise<Array<{ pool: string; backend: string }>> {
    return this.db.query(METRICS_SQL.known_queues);
  }
}
