import type { ConfigType } from '@nestjs/config';
import type { FlowProducer, Queue } from 'bullmq';
import { queueConfig } from '@app/config';
import type { RunsRepository, ShardsRepository } from '@app/database';
import { jobIds, PoolQueues, QueuedRun } from '@app/queue';
import type { ArtifactStore } from '@app/storage';
import type { IngestShardService } from '../ingest/ingest-shard.service';
import { ReconcileRunsService } from './reconcile-runs.service';

/** Redis as a set of keys, answering EXISTS through a pipeline in one exec (counted). */
function fakeRedis(keys: Set<string>) {
  const redis = {
    execs: 0,
    pipeline() {
      const asked: string[] = [];
      const p = {
        exists: (k: string) => (asked.push(k), p),
        exec: async () => (redis.execs++, asked.map((k) => [null, keys.has(k) ? 1 : 0])),
      };
      return p;
    },
  };
  return redis;
}

describe('ReconcileRunsService: which runs it looks at', () => {
  const run = (id: string): QueuedRun => ({ id, pool: 'cpu', priority: 0, backend: 'llama-cpp' }) as QueuedRun;
  const runs = Array.from({ length: 1203 }, (_, i) => run(`r${i}`));
  const shardsOf = (runId: string) => [`${runId}-s0`, `${runId}-s1`];

  function service(keys: Set<string>) {
    const redis = fakeRedis(keys);
    const queries: string[][] = [];
    const shards = {
      openNotIngestedOfRuns: async (ids: string[]) => (queries.push(ids), ids.flatMap((r) => shardsOf(r).map((id) => ({ run_id: r, id })))),
    } as unknown as ShardsRepository;
    const results = { client: Promise.resolve(redis), toKey: (id: string) => `results:${id}` } as unknown as Queue;
    const pools = { get: () => ({ toKey: (id: string) => `cpu:${id}` }) } as unknown as PoolQueues;
    const svc = new ReconcileRunsService(
      { openRuns: async () => runs } as unknown as RunsRepository,
      shards,
      results,
      {} as FlowProducer,
      { reconcileGraceMs: 0 } as ConfigType<typeof queueConfig>,
      pools,
      {} as ArtifactStore,
      {} as IngestShardService,
    );
    const looked: string[] = [];
    (svc as unknown as { reconcileRun: (r: QueuedRun) => Promise<void> }).reconcileRun = async (r) => void looked.push(r.id);
    return { svc, redis, queries, looked };
  }

  const allJobs = () => new Set(runs.flatMap((r) => [`results:${jobIds.finalize(r.id)}`, ...shardsOf(r.id).map((s) => `cpu:${jobIds.shard(s)}`)]));

  it('looks at no run whose finalize job and open shard jobs are all in Redis, in one query and one round trip per 500 runs', async () => {
    const { svc, redis, queries, looked } = service(allJobs());
    await svc.reconcile();
    expect(looked).toEqual([]);
    expect(queries.map((q) => q.length)).toEqual([500, 500, 203]);
    expect(redis.execs).toBe(3);
  });

  it('looks at exactly the runs that lost a job: a shard job, or the finalize job', async () => {
    const keys = allJobs();
    keys.delete(`cpu:${jobIds.shard('r7-s1')}`);
    keys.delete(`results:${jobIds.finalize('r501')}`);
    keys.delete(`cpu:${jobIds.shard('r1202-s0')}`);
    const { svc, looked } = service(keys);
    await svc.reconcile();
    expect(looked).toEqual(['r7', 'r501', 'r1202']);
  });

  it('after FLUSHALL looks at every run', async () => {
    const { svc, looked } = service(new Set());
    await svc.reconcile();
    expect(looked).toHaveLength(runs.length);
  });
});
