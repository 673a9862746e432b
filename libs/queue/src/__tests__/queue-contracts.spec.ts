import type { QueueConfig } from '@app/config';
import { JobName, jobIds } from '../job-names';
import { resultsJobOptions, shardJobOptions } from '../job-policies';
import { isValidPool, QueueName, shardQueueName } from '../queue-names';
import { redisOptionsFromUrl } from '../redis-connection';
import { runFlow, shardJob } from '../run-flow';
import { shardWorkerConfig } from '../worker-config';

const cfg: QueueConfig = {
  shardLockDurationMs: 120_000,
  shardStalledIntervalMs: 30_000,
  shardMaxStalledCount: 1,
  shardAttempts: 3,
  shardBackoffMs: 5_000,
  shutdownTimeoutMs: 30_000,
  rowsHandoffMaxBytes: 65_536,
  reconcileEveryMs: 60_000,
  reconcileGraceMs: 120_000,
};

describe('shard queue names', () => {
  it('names one queue per pool and backend', () => expect(shardQueueName('h100', 'llama-cpp')).toBe('shards-h100.llama-cpp'));
  it('refuses pool and backend names that could collide or escape the key space', () => {
    for (const pool of ['', 'H100', 'a.b', 'a:b', '-x', 'x'.repeat(64)]) {
      expect(isValidPool(pool)).toBe(false);
      expect(() => shardQueueName(pool, 'openai')).toThrow(/invalid pool name/);
    }
    expect(() => shardQueueName('cpu', 'open.ai')).toThrow(/invalid backend kind/);
  });
});

describe('job policies', () => {
  it('retries shards with jittered exponential backoff from the config, and keeps failures longer than successes', () => {
    const o = shardJobOptions(cfg);
    expect(o).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 }, ignoreDependencyOnFailure: true });
    const kept = (r: unknown) => (r as { age: number }).age;
    expect(kept(o.removeOnFail)).toBeGreaterThan(kept(o.removeOnComplete));
    expect(resultsJobOptions.attempts).toBeGreaterThan(1);
  });

  it('gives workers the configured lock and stall policy', () => {
    expect(shardWorkerConfig(cfg, 2)).toEqual({ concurrency: 2, lockDuration: 120_000, stalledInterval: 30_000, maxStalledCount: 1, shutdownTimeoutMs: 30_000 });
  });
});

describe('run flow', () => {
  const run = { id: 'r1', pool: 'cpu', priority: 100, backend: 'llama-cpp' };

  it('makes a finalize parent on the results queue over one deterministic job per shard', () => {
    const flow = runFlow(run, ['s1', 's2'], cfg);
    expect(flow).toMatchObject({ name: JobName.FinalizeRun, queueName: QueueName.Results, data: { runId: 'r1' }, opts: { jobId: jobIds.finalize('r1') } });
    expect(flow.children?.map((c) => [c.queueName, c.opts?.jobId, c.data])).toEqual([
      ['shards-cpu.llama-cpp', 'shard-s1', { runId: 'r1', shardId: 's1' }],
      ['shards-cpu.llama-cpp', 'shard-s2', { runId: 'r1', shardId: 's2' }],
    ]);
  });

  it("maps the API's priority (100 highest) onto BullMQ's (1 highest)", () => {
    expect(shardJob(run, 's1', cfg).opts.priority).toBe(1);
    expect(shardJob({ ...run, priority: 0 }, 's1', cfg).opts.priority).toBe(101);
  });

  it('uses no ":" in job ids (BullMQ refuses them)', () => {
    for (const id of [jobIds.shard('a'), jobIds.ingest('a'), jobIds.finalize('a'), jobIds.advanceCalibration('c', 'run-a')]) expect(id).not.toContain(':');
  });
});

describe('redisOptionsFromUrl', () => {
  it('reads host, port, credentials, database and TLS', () => {
    expect(redisOptionsFromUrl('rediss://u%40x:p%2Fw@cache.internal:6380/2')).toMatchObject({
      host: 'cache.internal',
      port: 6380,
      username: 'u@x',
      password: 'p/w',
      db: 2,
      tls: {},
      maxRetriesPerRequest: null,
    });
    expect(redisOptionsFromUrl('redis://127.0.0.1')).toMatchObject({ port: 6379, db: 0, tls: undefined });
  });
  it('refuses a database that is not a number', () => expect(() => redisOptionsFromUrl('redis://h/x')).toThrow('invalid Redis database'));
});
