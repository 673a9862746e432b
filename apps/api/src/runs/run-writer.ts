import { randomUUID } from 'node:crypto';
import { ReplayBackendSpec, RunStatus } from '@app/contracts';
import { managerOf, NewShard, Queryable, RunEntity, RunsRepository, ShardsRepository } from '@app/database';
import { artifactKeys } from '@app/storage';
import { CreateRunRequestDto } from './dto/create-run.dto';
import { PlannedGroup, PlannedTask } from './run-plan';
import { autoShardSize, planShards } from './shard-plan';

/** A validated run request: its model's backend kind and its benchmarks planned into tasks and groups. */
export interface PreparedRun {
  dto: CreateRunRequestDto;
  /** The project the run belongs to. */
  projectId: string;
  /** The backend kind whose queue takes the shards (the replay's when re-scoring). */
  backendKind: string;
  backendOverride?: ReplayBackendSpec;
  planned: { tasks: PlannedTask[]; groups: PlannedGroup[] };
}

/** A run written to Postgres, not yet enqueued. */
export interface WrittenRun {
  run: RunEntity;
  backendKind: string;
  shardIds: string[];
  samples: number;
}

/** Writes a prepared run, its benchmarks (groups and tasks) and its shards in the caller's transaction. */
export async function writeRun(tx: Queryable, prepared: PreparedRun, idempotencyKey?: string): Promise<WrittenRun> {
  // Every statement runs on tx: the repositories' own DataSource is only where tx comes from.
  const db = managerOf(tx).connection;
  const runs = new RunsRepository(db);
  const shards = new ShardsRepository(db);
  const { dto, planned, backendOverride } = prepared;
  const run = await runs.insert(
    {
      modelId: dto.modelId,
      projectId: prepared.projectId,
      status: RunStatus.Queued,
      pool: dto.pool,
      priority: dto.priority,
      shardSize: dto.shardSize ?? null,
      seed: dto.seed,
      benchmarks: dto.benchmarks.map((b) => ({ ...b })),
      idempotencyKey: idempotencyKey ?? null,
      backendOverride: backendOverride ?? null,
    },
    tx,
  );
  const shardRows: NewShard[] = [];
  let samples = 0;
  for (const g of planned.groups) {
    await runs.insertBenchmark({ runId: run.id, name: g.name, isGroup: true, numFewshot: g.numFewshot, limit: null, totalSamples: g.total, taskInfo: { leaves: g.leaves } }, tx);
  }
  for (const p of planned.tasks) {
    const rb = await runs.insertBenchmark({ runId: run.id, name: p.name, numFewshot: p.numFewshot, limit: p.limit, totalSamples: p.total }, tx);
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
  await shards.insertMany(shardRows, tx);
  return { run, backendKind: prepared.backendKind, shardIds: shardRows.map((s) => s.id), samples };
}
