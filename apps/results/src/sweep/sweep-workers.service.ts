import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { apiConfig } from '@app/config';
import { ShardStatus, WorkerStatus } from '@app/contracts';

/**
 * Marks workers that stopped heartbeating as lost and puts their running shards back to pending
 * (BullMQ's stalled-job check returns the jobs themselves to the queue). Not within WORKER_LOST_AFTER_MS
 * of Postgres' start: heartbeats could not be recorded while it was down, and a restart must not mark
 * the whole fleet lost.
 */
@Injectable()
export class SweepWorkersService {
  private readonly logger = new Logger(SweepWorkersService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(apiConfig.KEY) private readonly cfg: ConfigType<typeof apiConfig>,
  ) {}

  async sweep(): Promise<{ lost: string[] }> {
    return this.db.transaction(async (tx) => {
      const lost: Array<{ id: string }> = await tx.query(
        // A top-level SELECT: for a bare UPDATE … RETURNING, TypeORM's query() returns [rows, count].
        `WITH l AS (
           UPDATE workers SET status = $1, current_shard_id = NULL
            WHERE status IN ($2, $3) AND last_heartbeat_at < now() - make_interval(secs => $4::float8 / 1000)
              AND pg_postmaster_start_time() < now() - make_interval(secs => $4::float8 / 1000)
           RETURNING id
         ) SELECT id FROM l`,
        [WorkerStatus.Lost, WorkerStatus.Active, WorkerStatus.Draining, this.cfg.workerLostAfterMs],
      );
      if (lost.length === 0) return { lost: [] };
      const ids = lost.map((w) => w.id);
      await tx.query(
        `UPDATE shards SET status = $1, worker_id = NULL, done_samples = 0 WHERE status = $2 AND worker_id = ANY($3::uuid[])`,
        [ShardStatus.Pending, ShardStatus.Running, ids],
      );
      this.logger.warn(`workers lost (no heartbeat for ${this.cfg.workerLostAfterMs} ms): ${ids.join(', ')}`);
      return { lost: ids };
    });
  }
}
