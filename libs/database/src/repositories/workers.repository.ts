import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ShardStatus, WorkerStatus } from '@app/contracts';
import { WorkerEntity } from '../entities/worker.entity';
import { Queryable, returningRows, SqlStatements } from './sql';

/** A heartbeat as the repository writes it: the shard the worker runs, whether it drains, live figures. */
export interface HeartbeatWrite {
  currentShardId: string | null;
  draining: boolean;
  info: Record<string, unknown>;
}

/** A worker as a heartbeat write left it. */
export interface HeartbeatResult {
  status: WorkerStatus;
  credentialHash: string;
}

/** The shard a worker is running, as the workers list shows it. */
export interface WorkerShardRow {
  id: string;
  runId: string;
  benchmark: string;
  done: number;
  total: number;
}

export interface NewWorker {
  name: string;
  hostname: string | null;
  pools: string[];
  backends: string[];
  credentialHash: string;
  costPerHour: number | null;
  info: Record<string, unknown>;
}

const COLUMNS = [
  'id', 'name', 'hostname', 'pools', 'backends', 'credential_hash AS "credentialHash"', 'status', 'cost_per_hour AS "costPerHour"', 'info',
  'current_shard_id AS "currentShardId"', 'last_heartbeat_at AS "lastHeartbeatAt"', 'registered_at AS "registeredAt"',
].join(', ');

export const WORKERS_SQL = {
  insert: `
    INSERT INTO workers (name, hostname, pools, backends, credential_hash, status, cost_per_hour, info, last_heartbeat_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
    RETURNING ${COLUMNS}`,
  reRegister: `
    UPDATE workers SET credential_hash = $2, status = $3, last_heartbeat_at = now(), pools = $4, backends = $5
     WHERE id = $1 AND status <> $6
    RETURNING ${COLUMNS}`,
  byId: `SELECT ${COLUMNS} FROM workers WHERE id = $1`,
  byIds: `SELECT ${COLUMNS} FROM workers WHERE id = ANY($1::uuid[])`,
  list: `SELECT ${COLUMNS} FROM workers WHERE $1::text[] IS NULL OR status = ANY($1::text[]) ORDER BY registered_at DESC`,
  // Conditional: a drain stays, a removed worker stays removed (a stale "active" would let the sweep call it lost
  // later), and a lost worker that heartbeats is back. One statement for a whole batch of heartbeats.
  heartbeats: `
    WITH d AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bool[], $4::jsonb[]) AS d(id, shard, draining, info))
    UPDATE workers w SET last_heartbeat_at = now(), current_shard_id = d.shard,
           status = CASE WHEN w.status = $5 THEN (CASE WHEN d.draining THEN $6 ELSE $7 END) ELSE w.status END,
           info = w.info || d.info
      FROM d WHERE w.id = d.id AND w.status <> $8
    RETURNING w.id, w.status, w.credential_hash AS "credentialHash"`,
  setStatus: `
    UPDATE workers SET status = $2, current_shard_id = CASE WHEN $2 = $3 THEN NULL ELSE current_shard_id END
     WHERE id = $1 AND status <> $3
    RETURNING ${COLUMNS}`,
  runningShards: `
    SELECT id, run_id AS "runId", benchmark, done_samples AS done, (doc_end - doc_start) AS total
      FROM shards WHERE id = ANY($1::uuid[])`,
  // Not within lostAfter of Postgres' start: heartbeats could not be recorded while it was down.
  markLost: `
    UPDATE workers SET status = $1, current_shard_id = NULL
     WHERE status IN ($2, $3) AND last_heartbeat_at < now() - make_interval(secs => $4::float8 / 1000)
       AND pg_postmaster_start_time() < now() - make_interval(secs => $4::float8 / 1000)
    RETURNING id`,
  releaseShards: `UPDATE shards SET status = $1, worker_id = NULL, done_samples = 0 WHERE status = $2 AND worker_id = ANY($3::uuid[])`,
} satisfies SqlStatements;

/** The workers table: registration, credentials, heartbeats, operator status and the sweep of lost workers. */
@Injectable()
export class WorkersRepository {
  constructor(private readonly db: DataSource) {}

  async insert(w: NewWorker): Promise<WorkerEntity> {
    const [row] = await returningRows<WorkerEntity>(this.db, WORKERS_SQL.insert, [
      w.name, w.hostname, w.pools, w.backends, w.credentialHash, WorkerStatus.Active, w.costPerHour, JSON.stringify(w.info),
    ]);
    return row;
  }

  /** A worker registering again keeps its id; null when it does not exist or was removed. */
  async reRegister(id: string, credentialHash: string, pools: string[], backends: string[]): Promise<WorkerEntity | null> {
    const [row] = await returningRows<WorkerEntity>(this.db, WORKERS_SQL.reRegister, [
      id, credentialHash, WorkerStatus.Active, pools, backends, WorkerStatus.Removed,
    ]);
    return row ?? null;
  }

  async findById(id: string): Promise<WorkerEntity | null> {
    const [row] = await this.db.query(WORKERS_SQL.byId, [id]);
    return (row as WorkerEntity | undefined) ?? null;
  }

  async findByIds(ids: string[]): Promise<WorkerEntity[]> {
    return ids.length ? this.db.query(WORKERS_SQL.byIds, [ids]) : [];
  }

  async list(status?: WorkerStatus[]): Promise<WorkerEntity[]> {
    return this.db.query(WORKERS_SQL.list, [status ?? null]);
  }

  /** Writes a batch of heartbeats in one statement; the answer holds each worker not removed: its status and credential. */
  async writeHeartbeats(beats: Map<string, HeartbeatWrite>): Promise<Map<string, HeartbeatResult>> {
    if (beats.size === 0) return new Map();
    const items = [...beats.values()];
    const rows = await returningRows<HeartbeatResult & { id: string }>(this.db, WORKERS_SQL.heartbeats, [
      [...beats.keys()],
      items.map((b) => b.currentShardId),
      items.map((b) => b.draining),
      items.map((b) => JSON.stringify(b.info)),
      WorkerStatus.Lost,
      WorkerStatus.Draining,
      WorkerStatus.Active,
      WorkerStatus.Removed,
    ]);
    return new Map(rows.map(({ id, ...r }) => [id, r]));
  }

  /** Sets an operator's status unless the worker was removed (null then); removal forgets its shard. */
  async setStatus(id: string, status: WorkerStatus): Promise<WorkerEntity | null> {
    const [row] = await returningRows<WorkerEntity>(this.db, WORKERS_SQL.setStatus, [id, status, WorkerStatus.Removed]);
    return row ?? null;
  }

  async runningShards(ids: string[]): Promise<WorkerShardRow[]> {
    return ids.length ? this.db.query(WORKERS_SQL.runningShards, [ids]) : [];
  }

  /**
   * Marks workers silent for lostAfterMs as lost and puts their running shards back to pending, in one
   * transaction (BullMQ's stalled-job check returns the jobs themselves to the queue).
   */
  async markLost(lostAfterMs: number): Promise<string[]> {
    return this.db.transaction(async (tx: Queryable) => {
      const lost = await returningRows<{ id: string }>(tx, WORKERS_SQL.markLost, [WorkerStatus.Lost, WorkerStatus.Active, WorkerStatus.Draining, lostAfterMs]);
      const ids = lost.map((w) => w.id);
      if (ids.length) await tx.query(WORKERS_SQL.releaseShards, [ShardStatus.Pending, ShardStatus.Running, ids]);
      return ids;
    });
  }
}
