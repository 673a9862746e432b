import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MODELS_DIR, REPO_ROOT, serviceEnv, waitFor } from '@app/testing';
import { CalibrationStack, GGUF, GGUF_PARAMS, givenMembers } from './calibration-family';

const ARC = { benchmarks: [{ name: 'arc_easy', limit: 20 }], pool: 'cpu', shardSize: 10 };

/** The built CLI (bin/densebench.js), its exit code and output. */
const cli = (args: string[], key: string): Promise<{ code: number; out: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bin', 'densebench.js'), ...args], { timeout: 240_000, env: { ...process.env, DENSEBENCH_API_KEY: key } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });

describe('calibrating a reference family by running its members (REST → worker process → results → fit version)', () => {
  const stack = new CalibrationStack();
  beforeAll(() => stack.start('calibrate-worker'));
  afterAll(() => stack.stop());

  it('refuses up front, with nothing written, what can be known before any run', async () => {
    const tiny = await stack.families.create('too-small', [
      { name: 'stories260K', params: GGUF_PARAMS.stories, tokens: 1e8, path: GGUF.stories },
      { name: 'llama-2-tiny-random', params: GGUF_PARAMS.tinyRandom, tokens: 5e8, path: GGUF.tinyRandom },
    ]);
    const refused = await stack.families.calibrate(tiny, ARC).expect(422);
    expect(refused.body.error).toBe('DENSITY_INSUFFICIENT_DATA');
    expect(refused.body.message).toContain('reference family "too-small" cannot be fitted whatever its members measure');
    expect(refused.body.message).toContain('the loss curve (Eq. 2) needs at least 5 members of role loss or both (one point each per benchmark), the family has 2');

    const family = await stack.families.create('refusals', [...givenMembers('refusals', 4), { name: 'refusals-stories', params: GGUF_PARAMS.stories, tokens: 1e8, path: GGUF.stories }]);
    const unknown = await stack.families.calibrate(family, { ...ARC, benchmarks: [{ name: 'arc_eazy' }] }).expect(400);
    expect(unknown.body.message).toContain('unknown benchmark "arc_eazy"');
    await stack.families.calibrate(family, { ...ARC, pool: 'Not A Pool' }).expect(400);

    // An imported model (published scores only) that would have to be run.
    const [{ id: imported }] = await stack.db.query(`INSERT INTO models (name, params_total, training_tokens, backend) VALUES ('imported-member', 5e9, 1e12, '{"kind":"imported"}') RETURNING id`);
    await stack.db.query(`INSERT INTO density_reference_members (reference_id, model_id, role) VALUES ($1, $2, 'both')`, [family, imported]);
    const notRunnable = await stack.families.calibrate(family, ARC).expect(400);
    expect(notRunnable.body.message).toContain('"imported-member" (backend "imported") cannot run');

    await stack.db.query(`UPDATE density_references SET builtin = 'calibrate-test' WHERE id = $1`, [family]);
    const builtin = await stack.families.calibrate(family, ARC).expect(409);
    expect(builtin.body.message).toContain('is a built-in reference');

    expect(await stack.count('runs')).toBe(0);
    expect(await stack.count('density_calibrations')).toBe(0);
    expect(await stack.count('density_fit_versions')).toBe(0);
  });

  it('runs the GGUF members, waits for their runs and fits the family on their measured conditional losses and scores', async () => {
    const family = await stack.families.create('calibrated', [
      ...givenMembers('calibrated', 4),
      { name: 'calibrated-stories260K', params: GGUF_PARAMS.stories, tokens: 1e8, path: GGUF.stories },
      // Random weights: as good as trained on (almost) nothing, so the family's least compute.
      { name: 'calibrated-tiny-random', params: GGUF_PARAMS.tinyRandom, tokens: 1e7, path: GGUF.tinyRandom },
    ]);
    const submitted = await stack.families.calibrate(family, ARC, 'calibrate-once').expect(202);
    expect(submitted.body).toMatchObject({ referenceId: family, reference: 'calibrated', status: 'running', benchmarkKeys: ['arc_easy'], pool: 'cpu', fitVersion: null });
    // by size: stories260K (292,800) before llama-2-tiny-random (513,048)
    expect(submitted.body.runs.map((r: { model: string }) => r.model)).toEqual(['calibrated-stories260K', 'calibrated-tiny-random']);
    expect(submitted.body.given.map((g: { model: string }) => g.model)).toEqual(['calibrated-given-0', 'calibrated-given-1', 'calibrated-given-2', 'calibrated-given-3']);
    expect(submitted.body.progress).toEqual({ done: 0, total: 40 });
    // The same Idempotency-Key returns the same calibration and starts nothing more.
    const again = await stack.families.calibrate(family, ARC, 'calibrate-once').expect(202);
    expect(again.body.id).toBe(submitted.body.id);
    expect(await stack.count('runs')).toBe(2);

    const { body, seen } = await stack.families.untilEnded(submitted.body.id);
    expect(body.error).toBeNull();
    expect(body.status).toBe('succeeded');
    expect(seen[0]).toBe('running');
    expect(body.runs.every((r: { status: string; progress: { done: number; total: number } }) => r.status === 'succeeded' && r.progress.done === 20)).toBe(true);
    expect(body.fitVersion).toMatchObject({ version: 1, method: 'densing-law-two-step', metrics: { arc_easy: 'acc' } });
    expect(body.fitVersion.quality.arc_easy.loss.n).toBe(6);

    // The version is stored as POST …/fit stores one, its measured points read from the calibration's own runs.
    const version = (await stack.http.get(`/v1/density/references/${family}/versions/1`).expect(200)).body;
    expect(version.id).toBe(body.fitVersion.id);
    expect(version.library).toMatchObject({ package: '@app/density', method: 'densing-law-two-step', calibrationId: submitted.body.id });
    for (const run of body.runs as Array<{ runId: string; model: string }>) {
      const metrics = (await stack.http.get(`/v1/runs/${run.runId}`).expect(200)).body.benchmarks[0].metrics;
      const point = version.dataPoints.find((p: { model: string }) => p.model === run.model);
      expect(point).toMatchObject({ lossSource: `run:${run.runId}`, scoreSource: `run:${run.runId}`, score: metrics.acc.value, loss: metrics.cond_nll_per_token.value });
    }
    expect(version.dataPoints.filter((p: { lossSource: string }) => p.lossSource === 'given')).toHaveLength(4);
    const listed = (await stack.http.get(`/v1/density/references/${family}/calibrations`).expect(200)).body;
    expect(listed.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([[submitted.body.id, 'succeeded']]);
    // Then every density is recomputed against the new version (the recompute-densities job).
    await waitFor(async () => ((await stack.db.query(`SELECT 1 FROM densities WHERE fit_version_id = $1 LIMIT 1`, [version.id])).length ? true : undefined), 'densities of the new version');
  });

  it('fails with the fit\'s own reason when the measured values cannot be fitted, and writes no fit version', async () => {
    // Three given members of small compute with low losses, then the GGUF members claimed to have seen huge D: the
    // loss they measure rises with compute, which Eq. 2 refuses (known only once they are measured).
    const family = await stack.families.create('non-monotone', [
      ...[0.5, 0.45, 0.4].map((loss, i) => ({ name: `non-monotone-given-${i}`, params: 1e6 * (i + 1), tokens: 1e8 * (i + 1), given: { loss, score: 0.3 + i / 10 } })),
      { name: 'non-monotone-stories260K', params: GGUF_PARAMS.stories, tokens: 1e15, path: GGUF.stories },
      { name: 'non-monotone-tiny-random', params: GGUF_PARAMS.tinyRandom, tokens: 2e15, path: GGUF.tinyRandom },
    ]);
    const submitted = await stack.families.calibrate(family, ARC).expect(202);
    const { body } = await stack.families.untilEnded(submitted.body.id);
    expect(body.status).toBe('failed');
    expect(body.errorCode).toBe('DENSITY_NON_MONOTONE_DATA');
    expect(body.error).toContain('arc_easy loss curve (Eq. 2): loss against compute 6ND: expected decreasing values');
    expect(body.runs.map((r: { status: string }) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(body.fitVersion).toBeNull();
    expect(await stack.families.versions(family)).toEqual([]);
  });

  it('fails when a member\'s run fails, with that run\'s reason', async () => {
    // A member whose file existed at registration (registration refuses a missing one) and is gone by run time,
    // in a model folder of the services (DENSEBENCH_HOME/models): paths outside the model folders are refused.
    const home = join(serviceEnv().DENSEBENCH_HOME, 'models');
    mkdirSync(home, { recursive: true });
    const gone = join(mkdtempSync(join(home, 'calibrate-gone-')), 'no-such-model.gguf');
    copyFileSync(join(MODELS_DIR, GGUF.stories), gone);
    const family = await stack.families.create('broken-member', [
      ...givenMembers('broken-member', 4),
      { name: 'broken-member-stories260K', params: GGUF_PARAMS.stories, tokens: 1e8, path: GGUF.stories },
      { name: 'broken-member-missing', params: GGUF_PARAMS.stories, tokens: 5e8, path: gone },
    ]);
    rmSync(dirname(gone), { recursive: true, force: true });
    const submitted = await stack.families.calibrate(family, ARC).expect(202);
    const { body } = await stack.families.untilEnded(submitted.body.id);
    const missing = body.runs.find((r: { model: string }) => r.model === 'broken-member-missing');
    expect(missing.status).toBe('failed');
    expect(body).toMatchObject({ status: 'failed', errorCode: 'run_failed', fitVersion: null });
    expect(body.error).toMatch(new RegExp(`^run ${missing.runId} of broken-member-missing failed: .*no-such-model\\.gguf`));
    expect(await stack.families.versions(family)).toEqual([]);
    const fetched = (await stack.http.get(`/v1/density/calibrations/${submitted.body.id}`).expect(200)).body;
    expect(fetched).toMatchObject({ status: 'failed', error: body.error });
    await stack.http.get('/v1/density/calibrations/00000000-0000-0000-0000-000000000000').expect(404);
  });

  it('fails when a member\'s run is cancelled, with that reason', async () => {
    const family = await stack.families.create('cancelled-member', [
      ...givenMembers('cancelled-member', 4),
      { name: 'cancelled-member-tiny-random', params: GGUF_PARAMS.tinyRandom, tokens: 1e7, path: GGUF.tinyRandom },
      { name: 'cancelled-member-stories260K', params: GGUF_PARAMS.stories, tokens: 1e8, path: GGUF.stories },
    ]);
    const submitted = await stack.families.calibrate(family, { ...ARC, benchmarks: [{ name: 'arc_easy', limit: 200 }] }).expect(202);
    const tiny = submitted.body.runs.find((r: { model: string }) => r.model === 'cancelled-member-tiny-random');
    await stack.http.post(`/v1/runs/${tiny.runId}/cancel`).expect(200);
    const { body } = await stack.families.untilEnded(submitted.body.id);
    expect(body).toMatchObject({ status: 'failed', errorCode: 'run_cancelled', error: `run ${tiny.runId} of cancelled-member-tiny-random was cancelled: cancelled by user` });
    expect(await stack.families.versions(family)).toEqual([]);
  });

  it('the CLI lists the families and calibrates one, printing the runs and the fit\'s quality, or the reason with exit code 1', async () => {
    const listed = await cli(['references', 'list', '--api', stack.url], stack.key);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^calibrated +[0-9a-f-]{36} +v1 densing-law-two-step$/m);

    const ok = await cli(['references', 'calibrate', 'calibrated', '--benchmark', 'arc_easy:20', '--shard-size', '10', '--watch', '--api', stack.url], stack.key);
    expect(ok.out).toMatch(/^calibration [0-9a-f-]{36} of "calibrated" on arc_easy \(pool cpu\): 2 run\(s\), running$/m);
    expect(ok.out).toMatch(/^ {2}calibrated-tiny-random +run [0-9a-f-]{36} +20 samples$/m);
    expect(ok.out).toContain('not run (their numbers are given): calibrated-given-0, calibrated-given-1, calibrated-given-2, calibrated-given-3');
    expect(ok.out).toMatch(/succeeded — "calibrated" fit version 2 \(densing-law-two-step\)\n {2}arc_easy +loss curve \(Eq\. 2\) R² -?\d\.\d{3} \(n=6/);
    expect(ok.code).toBe(0);

    const failed = await cli(['references', 'calibrate', 'broken-member', '--benchmark', 'arc_easy:20', '--watch', '--api', stack.url], stack.key);
    expect(failed.out).toMatch(/failed \(run_failed\): run [0-9a-f-]{36} of broken-member-missing failed: /);
    expect(failed.code).toBe(1);
    const unknown = await cli(['references', 'calibrate', 'no-such-family', '--benchmark', 'arc_easy', '--api', stack.url], stack.key);
    expect(unknown).toMatchObject({ code: 1, out: expect.stringContaining('no reference family "no-such-family"') });
  });
});
