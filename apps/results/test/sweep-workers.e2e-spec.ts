import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WorkersRepository } from '@app/database';
import { insertRun, testDataSource } from '@app/testing';
import { SweepWorkersService } from '../src/sweep/sweep-workers.service';

/** The lost-worker sweep against real Postgres: who is lost, and what happens to their shards. */
describe('SweepWorkersService (Postgres)', () => {
  let db: DataSource;
  let sweep: SweepWorkersService;

  const worker = async (heartbeatAgoMs: number, status = 'active'): Promise<string> =>
    (
      await db.query(
        `INSERT INTO workers (name, pools, backends, status, credential_hash, last_heartbeat_at)
         VALUES ($1, '{cpu}', '{llama-cpp}', $2, 'x', now() - make_interval(secs => $3::float8 / 1000)) RETURNING id`,
        [`w-${randomUUID()}`, status, heartbeatAgoMs],
      )
    )[0].id;

  beforeAll(async () => {
    db = await testDataSource(2);
    sweep = new SweepWorkersService(new WorkersRepository(db), { workerLostAfterMs: 60_000 } as never);
  });
  afterAll(() => db?.destroy());

  it('marks silent workers lost and puts their running shards back to pending; leaves the others alone', async () => {
    const { runId, rbId } = await insertRun(db, { totalSamples: 6, shardSize: 2, status: 'running' });
    const silent = await worker(120_000);
    const alive = await worker(1_000);
    const removed = await worker(120_000, 'removed');
    const shard = async (i: number, workerId: string, status: string): Promise<string> =>
      (
        await db.query(
          `INSERT INTO shards (run_id, run_benchmark_id, benchmark, shard_index, doc_start, doc_end, status, worker_id, done_samples, artifact_key)
           VALUES ($1, $2, 'arc_easy', $3, $4, $5, $6, $7, 1, $8) RETURNING id`,
          [runId, rbId, i, 2 * i, 2 * i + 2, status, workerId, `k-${randomUUID()}`],
        )
      )[0].id;
    const lostShard = await shard(0, silent, 'running');
    const doneShard = await shard(1, silent, 'done');
    const aliveShard = await shard(2, alive, 'running');
    await db.query(`UPDATE workers SET current_shard_id = $1 WHERE id = $2`, [lostShard, silent]);

    // (Other suites' workers in this database may be swept too.)
    const { lost } = await sweep.sweep();
    expect(lost).toContain(silent);
    expect(lost).not.toContain(alive);
    expect(lost).not.toContain(removed);
    const status = async (table: string, id: string) => (await db.query(`SELECT * FROM ${table} WHERE id = $1`, [id]))[0];
    expect(await status('workers', silent)).toMatchObject({ status: 'lost', current_shard_id: null });
    expect(await status('workers', alive)).toMatchObject({ status: 'active' });
    expect(await status('workers', removed)).toMatchObject({ status: 'removed' });
    expect(await status('shards', lostShard)).toMatchObject({ status: 'pending', worker_id: null, done_samples: 0 });
    expect(await status('shards', doneShard)).toMatchObject({ status: 'done', worker_id: silent });
    expect(await status('shards', aliveShard)).toMatchObject({ status: 'running', worker_id: alive });

    // Nothing more to sweep.
    expect(await sweep.sweep()).toEqual({ lost: [] });
  });
});
