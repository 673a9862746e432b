import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { ReplayBackendSpec, RunStatus } from '@app/contracts';
import { RunBenchmarkEntity, RunEntity, ShardEntity } from '@app/database';
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

type ShardRow = Omit<
  ShardEntity,
  'status' | 'attempts' | 'workerId' | 'doneSamples' | 'outputTokensPerSecond' | 'error' | 'envelope' | 'startedAt' | 'finishedAt' | 'ingestedAt' | 'run' | 'runBenchmark'
>;

/** Writes a prepared run, its benchmarks (groups and tasks) and its shards in the caller's transaction. */
export async function writeRun(tx: EntityManager, prepared: PreparedRun, idempotencyKey?: string): Promise<WrittenRun> {
  const { dto, planned, backendOverride } = prepared;
  const run = await tx.save(
    tx.create(RunEntity, {
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
    }),
  );
  const shardRows: ShardRow[] = [];
  let samples = 0;
  for (const g of planned.groups) {
    await tx.save(tx.create(RunBenchmarkEntity, { runId: run.id, name: g.name, isGroup: true, numFewshot: g.numFewshot, limit: null, totalSamples: g.total, taskInfo: { leaves: g.leaves } }));
  }
  for (const p of planned.tasks) {
    const rb = await tx.save(
      tx.create(RunBenchmarkEntity, { runId: run.id, name: p.name, numFewshot: p.numFewshot, limit: p.limit, totalSamples: p.total }),
    );
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
  // Bounded statements: Postgres takes at most 65,535 parameters per query.
  for (let i = 0; i < shardRows.length; i += 1000) await tx.insert(ShardEntity, shardRows.slice(i, i + 1000));
  return { run, backendKind: prepared.backendKind, shardIds: shardRows.map((s) => s.id), samples };
}
