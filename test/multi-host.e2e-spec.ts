import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { NetnsLab, runEnded, sampleCounts, startApi, startResults, truncateAll, waitFor, WorkerProcess, authed } from '@app/testing';
import { EmbeddedRedis, startEmbeddedRedis } from '../infra/embedded/src/embedded-redis';
import { EmbeddedS3, startEmbeddedS3 } from '../infra/embedded/src/embedded-s3';
import { AppModule } from '../apps/api/src/app.module';
import { apiBootstrap } from '../apps/api/src/bootstrap';
import { ResultsModule } from '../apps/results/src/results.module';

const FAST = { SHARD_LOCK_DURATION_MS: '4000', SHARD_STALLED_INTERVAL_MS: '1000', WORKER_HEARTBEAT_MS: '400', WORKER_LOST_AFTER_MS: '2500', RECONCILE_EVERY_MS: '2000', RECONCILE_GRACE_MS: '3000' };

const lab = NetnsLab.create(2);
const skip = 'skip' in lab ? lab.skip : null;
if (skip) console.warn(`multi-host test skipped: ${skip}`);

/**
 * Three hosts on a private network: the server host (this namespace's bridge address: Redis, S3 and
 * the api listen there only; Postgres and the results service beside them) and two worker hosts, each a
 * network namespace joined to it by its own veth pair, running a real worker agent. A run spreads over
 * both; a host cut off mid-shard (its link down) is marked lost and its shard finished by the other;
 * back online it rejoins, and nothing is counted twice.
 */
(skip ? describe.skip : describe)(`multi-host: two worker hosts in their own network namespaces${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const net = lab as NetnsLab;
  let redis: EmbeddedRedis;
  let s3: EmbeddedS3;
  let app: INestApplication;
  let db: DataSource;
  let results: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let modelId: string;
  const workers: WorkerProcess[] = [];
  const names = ['host-a', 'host-b'];

  const statusOf = async (name: string) => (await db.query(`SELECT status FROM workers WHERE name = $1`, [name]))[0]?.status as string | undefined;
  const submit = async (benchmark: string, limit: number, shardSize: number) =>
    (await http.post('/v1/runs').send({ modelId, pool: 'netns', benchmarks: [{ name: benchmark, limit }], shardSize }).expect(202)).body.id as string;

  beforeAll(async () => {
    redis = await startEmbeddedRedis(await mkdtemp(join(tmpdir(), 'netns-redis-')), 'redis-server', { bind: net.serverAddress });
    s3 = await startEmbeddedS3(await mkdtemp(join(tmpdir(), 'netns-s3-')), undefined, net.serverAddress);
    const env = { ...FAST, REDIS_URL: redis.url, S3_ENDPOINT: s3.endpoint };
    let url: string;
    ({ app, url, db } = await startApi(AppModule, apiBootstrap, env, net.serverAddress));
    await truncateAll(db);
    results = await startResults(ResultsModule, env);
    http = authed(app);
    modelId = (await http.post('/v1/models').send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201)).body.id;
    names.forEach((name, i) => workers.push(new WorkerProcess(name, url, { ...env, WORKER_POOLS: 'netns' }, { wrap: net.wrap(i) })));
    for (const name of names) await waitFor(async () => ((await statusOf(name)) === 'active' ? true : undefined), `${name} to register over its link`, 60_000);
  });

  afterAll(async () => {
    if (skip) return;
    net.hosts.forEach((_, i) => net.restore(i));
    await Promise.all(workers.map((w) => w.stop()));
    await results?.close();
    await app?.close();
    await s3?.stop();
    await redis?.stop();
    net.destroy();
  });

  it('a run spread over both hosts completes, every sample once', async () => {
    const runId = await submit('arc_easy', 32, 4);
    expect(await runEnded(http, runId, 180_000)).toMatchObject({ status: 'succeeded' });
    expect(await sampleCounts(db, runId)).toEqual({ n: 32, d: 32 });
    const ran = await db.query(`SELECT DISTINCT w.name FROM shards s JOIN workers w ON w.id = s.worker_id WHERE s.run_id = $1 ORDER BY 1`, [runId]);
    expect(ran.map((r: { name: string }) => r.name)).toEqual(names);
  });

  it('a host cut off mid-shard is marked lost, its shard finished by the other host; back online it rejoins, nothing counted twice', async () => {
    // Shards long enough that the cut lands mid-shard on a quick machine too.
    const runId = await submit('hellaswag', 400, 200);
    const shard = await waitFor(async () => {
      const r = await db.query(
        `SELECT s.id FROM shards s JOIN workers w ON w.id = s.worker_id WHERE s.run_id = $1 AND s.status = 'running' AND w.name = $2 AND s.done_samples > 0 AND s.done_samples < s.doc_end - s.doc_start`,
        [runId, names[0]],
      );
      return r[0] as { id: string } | undefined;
    }, `${names[0]} to be mid-shard`, 120_000, 50);
    net.cut(0);
    await waitFor(async () => ((await statusOf(names[0])) === 'lost' ? true : undefined), `${names[0]} to be marked lost`, 60_000, 300);
    expect(await runEnded(http, runId, 240_000)).toMatchObject({ status: 'succeeded' });
    const [s] = await db.query(`SELECT s.status, w.name FROM shards s JOIN workers w ON w.id = s.worker_id WHERE s.id = $1`, [shard.id]);
    expect(s).toEqual({ status: 'done', name: names[1] });
    expect(await sampleCounts(db, runId)).toEqual({ n: 400, d: 400 });

    net.restore(0);
    await waitFor(async () => ((await statusOf(names[0])) === 'active' ? true : undefined), `${names[0]} to rejoin`, 60_000, 300);
    // Its stale shard is told to stop at its next report; nothing it still sends counts.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await sampleCounts(db, runId)).toEqual({ n: 400, d: 400 });
    const [run] = await db.query(`SELECT status FROM runs WHERE id = $1`, [runId]);
    expect(run.status).toBe('succeeded');
  });
});
