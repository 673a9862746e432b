import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { QueueName, jobIds } from '@app/queue';
import { waitFor } from '@app/testing';
import { CalibrationStack, GGUF, GGUF_PARAMS, givenMembers } from './calibration-family';

describe('calibrations survive a restart of the results service (real worker process, Redis, Postgres)', () => {
  const stack = new CalibrationStack();
  beforeAll(() => stack.start('calibrate-restart-worker'));
  afterAll(() => stack.stop());

  it('completes a calibration whose runs finished while the results service was down', async () => {
    const family = await stack.families.create('restarted', [
      ...givenMembers('restarted', 4),
      { name: 'restarted-tiny-random', params: GGUF_PARAMS.tinyRandom, tokens: 1e7, path: GGUF.tinyRandom },
      { name: 'restarted-stories260K', params: GGUF_PARAMS.stories, tokens: 1e8, path: GGUF.stories },
    ]);
    const submitted = await stack.families.calibrate(family, { benchmarks: [{ name: 'arc_easy', limit: 40 }], pool: 'cpu', shardSize: 10 }).expect(202);
    await stack.stopResults();

    // The worker runs every shard meanwhile; their ingestion (and each run's finalization) waits in Redis.
    const shards: Array<{ id: string; ingested: boolean }> = await stack.db.query(
      `SELECT s.id, s.ingested_at IS NOT NULL AS ingested FROM shards s JOIN density_calibration_runs cr ON cr.run_id = s.run_id WHERE cr.calibration_id = $1`,
      [submitted.body.id],
    );
    expect(shards).toHaveLength(8);
    const queue = stack.app.get<Queue>(getQueueToken(QueueName.Results));
    await waitFor(
      async () => ((await Promise.all(shards.map(async (s) => s.ingested || (await queue.getJob(jobIds.ingest(s.id))) !== undefined))).every(Boolean) ? true : undefined),
      'every shard to be run and handed to ingestion',
      180_000,
      300,
    );
    const waiting = (await stack.http.get(`/v1/density/calibrations/${submitted.body.id}`).expect(200)).body;
    expect(waiting.status).toBe('running');
    expect(waiting.runs.map((r: { status: string }) => r.status)).toEqual(['running', 'running']);

    await stack.startResults();
    const { body } = await stack.families.untilEnded(submitted.body.id);
    expect(body.error).toBeNull();
    expect(body).toMatchObject({ status: 'succeeded', fitVersion: { version: 1, method: 'densing-law-two-step' } });
    expect(body.runs.map((r: { status: string; progress: object }) => [r.status, r.progress])).toEqual([
      ['succeeded', { done: 40, total: 40 }],
      ['succeeded', { done: 40, total: 40 }],
    ]);
  });

  it('at start, moves on a calibration whose runs ended without it being told', async () => {
    // Two members whose runs succeeded while no results service ran (or Redis lost the notice): written as they
    // would be, with the metrics a finished arc_easy run reports.
    const family = await stack.families.create('untold', [
      ...givenMembers('untold', 4),
      { name: 'untold-a', params: GGUF_PARAMS.tinyRandom, tokens: 1e7, path: GGUF.tinyRandom },
      { name: 'untold-b', params: GGUF_PARAMS.stories, tokens: 1e8, path: GGUF.stories },
    ]);
    const [{ id: calibrationId }] = await stack.db.query(
      `INSERT INTO density_calibrations (reference_id, benchmarks, benchmark_keys, pool, seed) VALUES ($1, '[{"name":"arc_easy"}]', '{arc_easy}', 'cpu', 1) RETURNING id`,
      [family],
    );
    for (const [model, loss, acc] of [['untold-a', 9.5, 0.26], ['untold-b', 4.1, 0.28]] as const) {
      const [{ id: runId }] = await stack.db.query(
        `INSERT INTO runs (model_id, pool, seed, benchmarks, status, finished_at) SELECT id, 'cpu', 1, '[{"name":"arc_easy"}]', 'succeeded', now() FROM models WHERE name = $1 RETURNING id`,
        [model],
      );
      const metrics = { acc: { value: acc, stderr: 0.1, n: 20 }, cond_nll_per_token: { value: loss, stderr: 0.1, n: 20 } };
      await stack.db.query(`INSERT INTO run_benchmarks (run_id, name, total_samples, metrics) VALUES ($1, 'arc_easy', 20, $2)`, [runId, metrics]);
      await stack.db.query(`INSERT INTO density_calibration_runs (calibration_id, run_id) VALUES ($1, $2)`, [calibrationId, runId]);
    }
    await stack.stopResults();
    await stack.startResults();
    const { body } = await stack.families.untilEnded(calibrationId, 60_000);
    expect(body).toMatchObject({ status: 'succeeded', error: null, fitVersion: { version: 1 } });
    const version = (await stack.http.get(`/v1/density/references/${family}/versions/1`).expect(200)).body;
    expect(version.dataPoints.find((p: { model: string }) => p.model === 'untold-b')).toMatchObject({ loss: 4.1, score: 0.28 });
  });
});
