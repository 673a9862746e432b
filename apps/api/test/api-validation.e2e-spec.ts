import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ErrorCode } from '@app/contracts';
import { startApi, truncateAll, authed } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';
import { WorkersService } from '../src/workers/workers.service';

describe('API input validation (real Postgres, Redis, S3)', () => {
  let app: INestApplication;
  let db: DataSource;
  let http: ReturnType<typeof request>;
  let modelId: string;

  beforeAll(async () => {
    ({ app, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    http = authed(app);
    const res = await http
      .post('/v1/models')
      .send({ name: 'stories260K', paramsTotal: 292800, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } })
      .expect(201);
    modelId = res.body.id;
  });

  afterAll(async () => {
    await app?.close();
  });

  const run = (body: Record<string, unknown>) => http.post('/v1/runs').send({ modelId, benchmarks: [{ name: 'arc_easy', limit: 4 }], ...body });

  it('rejects an unknown model with 404 and says which', async () => {
    const res = await run({ modelId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    expect(res.body.message).toContain('model 00000000-0000-4000-8000-000000000000 not found');
  });

  it('rejects an unknown benchmark with 400 and lists the known ones', async () => {
    const res = await run({ benchmarks: [{ name: 'arc_eazy' }] }).expect(400);
    expect(res.body.message).toContain('unknown benchmark "arc_eazy"');
    expect(res.body.message).toContain('arc_easy');
  });

  it('rejects a negative limit with a field message', async () => {
    const res = await run({ benchmarks: [{ name: 'arc_easy', limit: -3 }] }).expect(400);
    expect(JSON.stringify(res.body.message)).toContain('limit must not be less than 1');
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await http.post('/v1/runs').set('content-type', 'application/json').send('{"modelId": ').expect(400);
    expect(res.body.error).toBe('invalid_json');
    expect(res.body.message).toContain('not valid JSON');
  });

  it("names the parser's reason for malformed JSON, and refuses __proto__ keys", async () => {
    const res = await http.post('/v1/runs').set('content-type', 'application/json').send('{"modelId": ').expect(400);
    expect(res.body.message).toMatch(/^request body is not valid JSON: \S/);
    const proto = await http.post('/v1/runs').set('content-type', 'application/json').send('{"__proto__": {"admin": true}}').expect(400);
    expect(proto.body.error).toBe('invalid_json');
  });

  it('reads an empty body sent as JSON as an empty object (clients that always send the header), and leaves a text body out where an endpoint takes none', async () => {
    // The worker's and the CLI's clients send Content-Type: application/json on every request, with or without a body.
    const runs = async () => (await db.query('SELECT count(*)::int AS n FROM runs'))[0].n;
    const before = await runs();
    const empty = await http.post('/v1/runs').set('content-type', 'application/json').send('').expect(400);
    expect(empty.body.message.join(' ')).toContain('modelId');
    const csv = await http.post('/v1/runs').set('content-type', 'text/csv').send('model,params\nx,7B\n').expect(400);
    expect(csv.body.message.join(' ')).toContain('modelId');
    const yaml = await http.post('/v1/projects').set('content-type', 'application/yaml').send('name: x\n').expect(400);
    expect(yaml.body.message.join(' ')).toContain('name');
    expect(await runs()).toBe(before);
  });

  it('rejects unknown fields, missing fields and a bad pool', async () => {
    expect((await run({ colour: 'blue' }).expect(400)).body.message).toEqual(expect.arrayContaining(['property colour should not exist']));
    expect((await http.post('/v1/runs').send({ modelId }).expect(400)).body.message.join(' ')).toContain('benchmarks');
    expect((await run({ pool: 'GPU Pool!' }).expect(400)).body.message.join(' ')).toContain('pool must be');
  });

  it('rejects a benchmark listed twice and more few-shot examples than the task has', async () => {
    expect((await run({ benchmarks: [{ name: 'arc_easy' }, { name: 'arc_easy' }] }).expect(400)).body.message).toContain('listed twice');
    expect((await run({ benchmarks: [{ name: 'arc_easy', numFewshot: 99 }] }).expect(400)).body.message.join(' ')).toContain('numFewshot');
  });

  it('rejects bad model registrations', async () => {
    expect((await http.post('/v1/models').send({ name: 'x', paramsTotal: -1, backend: { kind: 'llama-cpp', path: 'a.gguf' } }).expect(400)).body.message.join(' ')).toContain(
      'paramsTotal must be a positive number',
    );
    expect((await http.post('/v1/models').send({ name: 'y', paramsTotal: 10, backend: { kind: 'llama-cpp' } }).expect(400)).body.message.join(' ')).toMatch(
      /path|url/,
    );
    expect((await http.post('/v1/models').send({ name: 'stories260K', backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(409)).body.message).toContain(
      'already exists',
    );
    expect((await http.post('/v1/models').send({ name: 'z', paramsTotal: 10, paramsActive: 20, backend: { kind: 'imported' } }).expect(400)).body.message).toContain(
      'paramsActive cannot exceed paramsTotal',
    );
  });

  it('accepts a valid run with 202, plans its shards, and honours Idempotency-Key', async () => {
    const res = await run({ shardSize: 3, benchmarks: [{ name: 'arc_easy', limit: 10 }] }).set('Idempotency-Key', 'k-1').expect(202);
    expect(res.body).toMatchObject({ status: 'queued', shards: 4, samples: 10 });
    const again = await run({ shardSize: 3, benchmarks: [{ name: 'arc_easy', limit: 10 }] }).set('Idempotency-Key', 'k-1').expect(202);
    expect(again.body.id).toBe(res.body.id);
    const view = await http.get(`/v1/runs/${res.body.id}`).expect(200);
    expect(view.body).toMatchObject({ status: 'queued', progress: { done: 0, total: 10 }, shards: { pending: 4 } });
    const shards = await db.query('SELECT doc_start, doc_end FROM shards WHERE run_id = $1 ORDER BY shard_index', [res.body.id]);
    expect(shards).toEqual([
      { doc_start: 0, doc_end: 3 },
      { doc_start: 3, doc_end: 6 },
      { doc_start: 6, doc_end: 9 },
      { doc_start: 9, doc_end: 10 },
    ]);
    const list = await http.get('/v1/runs?status=queued&limit=1').expect(200);
    expect(list.body).toMatchObject({ total: 1, limit: 1, offset: 0 });
    await http.post(`/v1/runs/${res.body.id}/cancel`).expect(200);
    expect((await http.get(`/v1/runs/${res.body.id}`).expect(200)).body.status).toBe('cancelled');
    await http.post(`/v1/runs/${res.body.id}/cancel`).expect(409);
  });

  it('sizes shards per benchmark when the run does not say: 100 documents, ~64 shards for big benchmarks', async () => {
    const res = await run({ benchmarks: [{ name: 'hellaswag' }, { name: 'arc_easy', limit: 250 }] }).expect(202);
    expect(res.body).toMatchObject({ shards: 64 + 3, samples: 10_042 + 250 });
    const sizes: Array<{ benchmark: string; size: number; n: number }> = await db.query(
      `SELECT benchmark, doc_end - doc_start AS size, count(*)::int AS n FROM shards WHERE run_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [res.body.id],
    );
    expect(sizes).toEqual([
      { benchmark: 'arc_easy', size: 50, n: 1 },
      { benchmark: 'arc_easy', size: 100, n: 2 },
      { benchmark: 'hellaswag', size: 151, n: 1 },
      { benchmark: 'hellaswag', size: 157, n: 63 },
    ]);
    expect((await http.get(`/v1/runs/${res.body.id}`).expect(200)).body.shardSize).toBeNull();
    await http.post(`/v1/runs/${res.body.id}/cancel`).expect(200);
    await run({ shardSize: 0 }).expect(400);
  });

  it('guards worker endpoints: enrollment token and credentials', async () => {
    const reg = { name: 'w', pools: ['cpu'], backends: ['llama-cpp'] };
    await http.post('/v1/workers/register').send({ ...reg, enrollmentToken: 'wrong-token-123' }).expect(401);
    const ok = await http.post('/v1/workers/register').send({ ...reg, enrollmentToken: 'test-enrollment-token-0123456789' }).expect(201);
    const { workerId, credential } = ok.body;
    await http.post(`/v1/workers/${workerId}/heartbeat`).send({}).expect(401);
    await http.post(`/v1/workers/${workerId}/heartbeat`).set('authorization', `Bearer ${workerId}.notthesecretnotthesecret`).send({}).expect(401);
    const hb = await http.post(`/v1/workers/${workerId}/heartbeat`).set('authorization', `Bearer ${credential}`).send({}).expect(200);
    expect(hb.body.status).toBe('active');
    await http.post(`/v1/workers/${workerId}/drain`).expect(200);
    expect((await http.post(`/v1/workers/${workerId}/heartbeat`).set('authorization', `Bearer ${credential}`).send({}).expect(200)).body.status).toBe('draining');
    await http.post('/v1/shards/00000000-0000-4000-8000-000000000000/claim').set('authorization', `Bearer ${credential}`).send().expect(404);
    await http.post('/v1/shards/00000000-0000-4000-8000-000000000000/claim').send().expect(401);
  });

  it('a heartbeat that read the worker before a drain or a removal does not undo it', async () => {
    const reg = { name: 'w-stale', pools: ['cpu'], backends: ['llama-cpp'], enrollmentToken: 'test-enrollment-token-0123456789', info: { cpu: { cores: 2 } } };
    const { workerId, credential } = (await http.post('/v1/workers/register').send(reg).expect(201)).body;
    const workers = app.get(WorkersService);
    // The worker as the auth guard of a heartbeat read it, before the operator's request landed.
    const stale = await workers.get(workerId);
    await http.post(`/v1/workers/${workerId}/drain`).expect(200);
    expect(await workers.heartbeat(stale, { info: { loadedModel: 'stories260K' } })).toBe('draining');
    expect((await workers.get(workerId)).info).toEqual({ cpu: { cores: 2 }, loadedModel: 'stories260K' });
    // A worker the sweeper called lost is back when it heartbeats.
    await db.query(`UPDATE workers SET status = 'lost' WHERE id = $1`, [workerId]);
    expect(await workers.heartbeat(stale, {})).toBe('active');
    // … or still draining, when the worker says it takes no more shards.
    await db.query(`UPDATE workers SET status = 'lost' WHERE id = $1`, [workerId]);
    expect(await workers.heartbeat(stale, { draining: true })).toBe('draining');
    await http.post(`/v1/workers/${workerId}/heartbeat`).set('authorization', `Bearer ${credential}`).send({ draining: 'yes' }).expect(400);
    // Deregistered while a heartbeat was in flight: it stays removed, and the heartbeat is refused.
    await http.delete(`/v1/workers/${workerId}`).expect(200);
    await expect(workers.heartbeat(stale, {})).rejects.toMatchObject({ code: ErrorCode.Forbidden });
    expect((await workers.get(workerId)).status).toBe('removed');
    await http.post(`/v1/workers/${workerId}/heartbeat`).set('authorization', `Bearer ${credential}`).send({}).expect(403);
    await http.post(`/v1/workers/${workerId}/drain`).expect(409);
    await http.post('/v1/workers/00000000-0000-4000-8000-000000000000/drain').expect(404);
  });

  it('rejects a heartbeat whose current shard is not a shard id', async () => {
    const reg = { name: 'w-bad', pools: ['cpu'], backends: ['llama-cpp'], enrollmentToken: 'test-enrollment-token-0123456789' };
    const { workerId, credential } = (await http.post('/v1/workers/register').send(reg).expect(201)).body;
    const res = await http.post(`/v1/workers/${workerId}/heartbeat`).set('authorization', `Bearer ${credential}`).send({ currentShardId: 'shard-7' }).expect(400);
    expect(JSON.stringify(res.body.message)).toContain('currentShardId');
  });

  it('serves Prometheus metrics with queue depth per pool', async () => {
    const res = await http.get('/metrics').expect(200);
    expect(res.text).toContain('densebench_queue_jobs{pool="_results",state="waiting"}');
    expect(res.text).toMatch(/densebench_runs\{status="cancelled"\} 2/);
    expect(res.text).toContain('densebench_api_process_cpu_seconds_total');
  });

  it('serves OpenAPI and health', async () => {
    const doc = await http.get('/docs/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/runs', '/v1/models', '/v1/workers/register']));
    const ready = await http.get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({ db: { status: 'up' }, redis: { status: 'up' }, s3: { status: 'up' } });
  });
});
