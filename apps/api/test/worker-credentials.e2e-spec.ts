import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { authed, ENROLLMENT_TOKEN, startApi, truncateAll } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';
import { newSecret } from '../src/workers/worker-credentials';

/** Workers: enrollment tokens of their own, a credential each (rotated on re-registration), their own shards only. */
describe('worker credentials and enrollment tokens', () => {
  let app: INestApplication;
  let db: DataSource;
  let http: ReturnType<typeof request>;
  const anon = () => request(app.getHttpServer());
  const register = (token: string, extra: Record<string, unknown> = {}) =>
    anon().post('/v1/workers/register').send({ enrollmentToken: token, name: 'w', pools: ['idle'], backends: ['llama-cpp'], ...extra });

  beforeAll(async () => {
    ({ app, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    await db.query('TRUNCATE enrollment_tokens');
    http = authed(app);
  });
  afterAll(() => app?.close());

  it('enrolls with an operator-made token; refuses it revoked, expired, or for pools it does not admit', async () => {
    const made = await http.post('/v1/enrollment-tokens').send({ name: 'rack-1', pools: ['idle'] }).expect(201);
    expect(made.body.token).toMatch(/^dbe_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);
    expect((await http.get('/v1/enrollment-tokens').expect(200)).body).toEqual([expect.not.objectContaining({ token: expect.anything() })]);
    await register(made.body.token).expect(201);
    expect((await register(made.body.token, { pools: ['gpu'] }).expect(403)).body.message).toBe('enrollment token "rack-1" admits pools idle, not gpu');
    await http.delete(`/v1/enrollment-tokens/${made.body.id}`).expect(200);
    expect((await register(made.body.token).expect(401)).body.message).toBe('enrollment token "rack-1" was revoked');
    const expired = await http.post('/v1/enrollment-tokens').send({ name: 'old', expiresAt: '2020-01-01T00:00:00Z' }).expect(201);
    expect((await register(expired.body.token).expect(401)).body.message).toBe('enrollment token "old" expired');
    expect((await register(`dbe_${'0'.repeat(32)}_${'a'.repeat(43)}`).expect(401)).body.message).toBe('invalid enrollment token');
    const [{ last_used_at }] = await db.query(`SELECT last_used_at FROM enrollment_tokens WHERE id = $1`, [made.body.id]);
    expect(last_used_at).not.toBeNull();
  });

  it('a fleet this process never saw (an API restart) is read in batches: every worker authenticated as itself, a wrong secret or a malformed id refused', async () => {
    const fleet = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const { secret, hash } = newSecret();
        const [{ id }] = await db.query(
          `INSERT INTO workers (name, pools, backends, credential_hash, status, info) VALUES ($1, '{idle}', '{llama-cpp}', $2, 'active', '{}') RETURNING id`,
          [`cold-${i}`, hash],
        );
        return { id: id as string, credential: `${id}.${secret}` };
      }),
    );
    const beat = (id: string, credential: string) => anon().post(`/v1/workers/${id}/heartbeat`).set('Authorization', `Bearer ${credential}`).send({ info: { n: id } });
    // Among them a wrong secret, and an id of the right length that is no UUID (it must not fail the batch it would join).
    const bad = [beat(fleet[0].id, `${fleet[0].id}.${newSecret().secret}`), beat(fleet[1].id, `${'-'.repeat(36)}.${newSecret().secret}`)];
    const answers = await Promise.all([...fleet.map((w) => beat(w.id, w.credential)), ...bad]);
    expect(answers.slice(0, -2).map((r) => r.status)).toEqual(fleet.map(() => 200));
    expect(answers.slice(-2).map((r) => r.status)).toEqual([401, 401]);
    const rows: Array<{ id: string; info: { n: string } }> = await db.query(`SELECT id, info FROM workers WHERE name LIKE 'cold-%'`);
    expect(rows.every((r) => r.info.n === r.id)).toBe(true);
  });

  it('rotates a worker\'s credential when it registers again: the old one stops working at once', async () => {
    const first = (await register(ENROLLMENT_TOKEN).expect(201)).body;
    const again = (await register(ENROLLMENT_TOKEN, { workerId: first.workerId }).expect(201)).body;
    expect(again.workerId).toBe(first.workerId);
    expect(again.credential).not.toBe(first.credential);
    await anon().post(`/v1/workers/${first.workerId}/heartbeat`).set('Authorization', `Bearer ${first.credential}`).send({}).expect(401);
    await anon().post(`/v1/workers/${first.workerId}/heartbeat`).set('Authorization', `Bearer ${again.credential}`).send({}).expect(200);
    await register(ENROLLMENT_TOKEN, { workerId: '00000000-0000-4000-8000-000000000000' }).expect(404);
  });

  it('worker A cannot report on, heartbeat for or deregister worker B, nor use the user API', async () => {
    const a = (await register(ENROLLMENT_TOKEN, { name: 'a' }).expect(201)).body;
    const b = (await register(ENROLLMENT_TOKEN, { name: 'b' }).expect(201)).body;
    const asA = (req: request.Test) => req.set('Authorization', `Bearer ${a.credential}`);
    const model = await http.post('/v1/models').send({ name: 'stories', backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201);
    const run = await http.post('/v1/runs').send({ modelId: model.body.id, pool: 'idle', benchmarks: [{ name: 'arc_easy', limit: 2 }] }).expect(202);
    const [{ id: shardId }] = await db.query('SELECT id FROM shards WHERE run_id = $1', [run.body.id]);
    await anon().post(`/v1/shards/${shardId}/claim`).set('Authorization', `Bearer ${b.credential}`).send().expect(200);

    const report = await asA(anon().post(`/v1/shards/${shardId}/progress`)).send({ done: 2 }).expect(200);
    expect(report.body).toEqual({ proceed: false, reason: 'shard is running on another worker' });
    const [shard] = await db.query('SELECT worker_id, done_samples FROM shards WHERE id = $1', [shardId]);
    expect(shard).toEqual({ worker_id: b.workerId, done_samples: 0 });
    await asA(anon().post(`/v1/workers/${b.workerId}/heartbeat`)).send({}).expect(403);
    await asA(anon().delete(`/v1/workers/${b.workerId}`)).expect(403);
    expect((await db.query('SELECT status FROM workers WHERE id = $1', [b.workerId]))[0].status).toBe('active');
    await asA(anon().get('/v1/runs')).expect(401);
    await asA(anon().post('/v1/runs')).send({ modelId: model.body.id, benchmarks: [{ name: 'arc_easy' }] }).expect(401);
    // its own deregistration it may do
    await asA(anon().delete(`/v1/workers/${a.workerId}`)).expect(200);
  });
});
