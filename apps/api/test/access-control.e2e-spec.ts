import { INestApplication } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '@app/auth';
import { authed, ENROLLMENT_TOKEN, startApi, testArtifactStore, testKey, truncateAll } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';

type Who = 'anonymous' | 'revoked' | 'admin' | 'operator' | 'memberA' | 'viewerA' | 'memberB' | 'viewerB';
type Need = 'read' | 'write' | 'operate' | 'admin' | 'metrics';
/** A project resource (of project A): another project's keys get 404; a global resource: no project check. */
interface Case {
  name: string;
  method: 'get' | 'post' | 'delete';
  path: () => string;
  need: Need;
  project: boolean;
  body?: () => object | string;
  type?: string;
  /** The status the least-privileged allowed key gets. */
  ok: number;
}

const ROLE_OF: Record<Exclude<Who, 'anonymous' | 'revoked'>, Role> = {
  admin: Role.Admin, operator: Role.Operator, memberA: Role.Member, viewerA: Role.Viewer, memberB: Role.Member, viewerB: Role.Viewer,
};
const PERMS: Record<Role, Need[]> = {
  admin: ['read', 'write', 'operate', 'admin', 'metrics'], operator: ['read', 'operate', 'metrics'], member: ['read', 'write'], viewer: ['read'],
};
const ALL: Who[] = ['anonymous', 'revoked', 'admin', 'operator', 'memberA', 'viewerA', 'memberB', 'viewerB'];

/** What `who` must get: 401 without a valid key, 403 without the permission, 404 for another project's resource. */
function expected(who: Who, c: Case): number | 'ok' {
  if (who === 'anonymous' || who === 'revoked') return 401;
  const role = ROLE_OF[who];
  if (!PERMS[role].includes(c.need)) return 403;
  if (c.project && who.endsWith('B')) return 404;
  return 'ok';
}

const dir = mkdtempSync(join(tmpdir(), 'access-'));
writeFileSync(join(dir, 'qa.jsonl'), '{"q":"2+2?","choices":["3","4"],"gold":1}\n');
const taskYaml = (name: string) =>
  `task: ${name}\ndataset_path: json\ndataset_kwargs: {data_files: {test: ${join(dir, 'qa.jsonl')}}}\ntest_split: test\noutput_type: multiple_choice\ndoc_to_text: "Q: {{q}}\\nA:"\ndoc_to_choice: "{{choices}}"\ndoc_to_target: gold\nmetric_list:\n  - metric: acc\n`;

/** Rows a refused request must not have written. */
const COUNTED = ['runs', 'models', 'custom_benchmarks', 'density_references', 'density_imports', 'density_reports', 'api_keys', 'projects', 'enrollment_tokens', 'workers'];

describe('access control: every endpoint × every role × own project / other project', () => {
  let app: INestApplication;
  let db: DataSource;
  const keys = {} as Record<Who, string>;
  const ids = {} as Record<'projectA' | 'projectB' | 'model' | 'run' | 'artifact' | 'reference' | 'import' | 'key' | 'token' | 'worker', string>;
  const artifactBody = Buffer.from('{"doc_id":0,"secret":"of project A"}\n');
  const as = (who: Who) => (who === 'anonymous' ? request(app.getHttpServer()) : authed(app, keys[who]));

  beforeAll(async () => {
    ({ app, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
    await db.query(`TRUNCATE custom_benchmarks, density_references, density_imports, density_reports, enrollment_tokens CASCADE`);
    await db.query(`DELETE FROM api_keys WHERE name <> 'test-admin'`);
    await db.query(`DELETE FROM projects WHERE name <> 'default'`);
    const admin = authed(app);
    ids.projectA = (await admin.post('/v1/projects').send({ name: 'team-a' }).expect(201)).body.id;
    ids.projectB = (await admin.post('/v1/projects').send({ name: 'team-b' }).expect(201)).body.id;
    keys.admin = await testKey(db, Role.Admin);
    keys.operator = await testKey(db, Role.Operator);
    keys.memberA = await testKey(db, Role.Member, ids.projectA);
    keys.viewerA = await testKey(db, Role.Viewer, ids.projectA);
    keys.memberB = await testKey(db, Role.Member, ids.projectB);
    keys.viewerB = await testKey(db, Role.Viewer, ids.projectB);
    keys.revoked = (await admin.post('/v1/keys').send({ name: 'gone', role: 'member', project: 'team-a' }).expect(201)).body.key;
    await admin.delete(`/v1/keys/${(await db.query(`SELECT id FROM api_keys WHERE name = 'gone'`))[0].id}`).expect(200);
    const a = authed(app, keys.memberA);
    ids.model = (await a.post('/v1/models').send({ name: 'stories', backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }).expect(201)).body.id;
    ids.run = (await a.post('/v1/runs').send({ modelId: ids.model, benchmarks: [{ name: 'arc_easy', limit: 2 }] }).expect(202)).body.id;
    await a.post('/v1/benchmarks').set('content-type', 'application/yaml').send(taskYaml('qa_of_a')).expect(201);
    ids.reference = (await a.post('/v1/density/references').send({ name: 'family-a', d0Tokens: 1e12, members: [{ modelId: ids.model, role: 'performance' }] }).expect(201)).body.id;
    ids.import = (await a.post('/v1/density/imports').set('Content-Type', 'text/csv').send('model,params,arc_easy\npublished-a,7000000,0.5\n').expect(201)).body.id;
    const stored = await testArtifactStore().putBuffer(`runs/${ids.run}/secret.jsonl`, artifactBody, 'application/x-ndjson');
    [{ id: ids.artifact }] = await db.query(
      `INSERT INTO artifacts (run_id, kind, key, content_type, size_bytes) VALUES ($1, 'samples', $2, 'application/x-ndjson', $3) RETURNING id`,
      [ids.run, stored.key, stored.sizeBytes],
    );
    await testKey(db, Role.Viewer, ids.projectA, 'to-revoke');
    ids.key = (await db.query(`SELECT id FROM api_keys WHERE name = 'to-revoke'`))[0].id;
    ids.token = (await admin.post('/v1/enrollment-tokens').send({ name: 'rack' }).expect(201)).body.id;
    ids.worker = (await request(app.getHttpServer()).post('/v1/workers/register').send({ enrollmentToken: ENROLLMENT_TOKEN, name: 'w', pools: ['cpu'], backends: ['llama-cpp'] }).expect(201)).body.workerId;
  });
  afterAll(() => app?.close());

  const P = true;
  const cases: Case[] = [
    { name: 'list runs', method: 'get', path: () => '/v1/runs', need: 'read', project: false, ok: 200 },
    { name: 'get a run', method: 'get', path: () => `/v1/runs/${ids.run}`, need: 'read', project: P, ok: 200 },
    { name: 'submit a run', method: 'post', path: () => '/v1/runs', body: () => ({ modelId: ids.model, benchmarks: [{ name: 'arc_easy', limit: 1 }] }), need: 'write', project: P, ok: 202 },
    { name: 'submit a run on a custom task', method: 'post', path: () => '/v1/runs', body: () => ({ modelId: ids.model, benchmarks: [{ name: 'qa_of_a' }] }), need: 'write', project: P, ok: 202 },
    { name: 'rescore a run', method: 'post', path: () => `/v1/runs/${ids.run}/rescore`, body: () => ({}), need: 'write', project: P, ok: 409 },
    { name: 'list a run\'s artifacts', method: 'get', path: () => `/v1/runs/${ids.run}/artifacts`, need: 'read', project: P, ok: 200 },
    { name: 'download an artifact', method: 'get', path: () => `/v1/artifacts/${ids.artifact}/download`, need: 'read', project: P, ok: 200 },
    { name: 'presign an artifact', method: 'get', path: () => `/v1/artifacts/${ids.artifact}/download?presign=1`, need: 'read', project: P, ok: 302 },
    { name: 'list models', method: 'get', path: () => '/v1/models', need: 'read', project: false, ok: 200 },
    { name: 'get a model', method: 'get', path: () => `/v1/models/${ids.model}`, need: 'read', project: P, ok: 200 },
    { name: 'register a model', method: 'post', path: () => '/v1/models', body: () => ({ name: `m-${Math.random()}`, backend: { kind: 'llama-cpp', path: 'stories260K.gguf' } }), need: 'write', project: false, ok: 201 },
    { name: 'list benchmarks', method: 'get', path: () => '/v1/benchmarks', need: 'read', project: false, ok: 200 },
    { name: 'get a custom task', method: 'get', path: () => '/v1/benchmarks/qa_of_a', need: 'read', project: P, ok: 200 },
    { name: 'register a task', method: 'post', path: () => '/v1/benchmarks?replace=true', type: 'application/yaml', body: () => taskYaml('qa_new'), need: 'write', project: false, ok: 201 },
    { name: 'list references', method: 'get', path: () => '/v1/density/references', need: 'read', project: false, ok: 200 },
    { name: 'get a reference', method: 'get', path: () => `/v1/density/references/${ids.reference}`, need: 'read', project: P, ok: 200 },
    { name: 'fit a reference', method: 'post', path: () => `/v1/density/references/${ids.reference}/fit`, need: 'write', project: P, ok: 202 },
    { name: 'calibrate a reference', method: 'post', path: () => `/v1/density/references/${ids.reference}/calibrate`, body: () => ({ benchmarks: [{ name: 'arc_easy', limit: 1 }] }), need: 'write', project: P, ok: 422 },
    { name: 'list calibrations', method: 'get', path: () => `/v1/density/references/${ids.reference}/calibrations`, need: 'read', project: P, ok: 200 },
    { name: 'list imports', method: 'get', path: () => '/v1/density/imports', need: 'read', project: false, ok: 200 },
    { name: 'get an import', method: 'get', path: () => `/v1/density/imports/${ids.import}`, need: 'read', project: P, ok: 200 },
    { name: 'import scores', method: 'post', path: () => '/v1/density/imports', type: 'text/csv', body: () => 'model,params,arc_easy\npublished-x,7000000,0.5\n', need: 'write', project: false, ok: 201 },
    { name: 'leaderboard', method: 'get', path: () => `/v1/density/leaderboard?reference=${ids.reference}`, need: 'read', project: P, ok: 409 },
    { name: 'list reports', method: 'get', path: () => '/v1/density/reports', need: 'read', project: false, ok: 200 },
    { name: 'list workers', method: 'get', path: () => '/v1/workers', need: 'operate', project: false, ok: 200 },
    { name: 'get a worker', method: 'get', path: () => `/v1/workers/${ids.worker}`, need: 'operate', project: false, ok: 200 },
    { name: 'drain a worker', method: 'post', path: () => `/v1/workers/${ids.worker}/drain`, need: 'operate', project: false, ok: 200 },
    { name: 'list enrollment tokens', method: 'get', path: () => '/v1/enrollment-tokens', need: 'operate', project: false, ok: 200 },
    { name: 'create an enrollment token', method: 'post', path: () => '/v1/enrollment-tokens', body: () => ({ name: 'more' }), need: 'operate', project: false, ok: 201 },
    { name: 'revoke an enrollment token', method: 'delete', path: () => `/v1/enrollment-tokens/${ids.token}`, need: 'operate', project: false, ok: 200 },
    { name: 'metrics', method: 'get', path: () => '/metrics', need: 'metrics', project: false, ok: 200 },
    { name: 'list keys', method: 'get', path: () => '/v1/keys', need: 'admin', project: false, ok: 200 },
    { name: 'create a key', method: 'post', path: () => '/v1/keys', body: () => ({ name: 'another', role: 'viewer', project: 'team-a' }), need: 'admin', project: false, ok: 201 },
    { name: 'revoke a key', method: 'delete', path: () => `/v1/keys/${ids.key}`, need: 'admin', project: false, ok: 200 },
    { name: 'create a project', method: 'post', path: () => '/v1/projects', body: () => ({ name: 'team-c' }), need: 'admin', project: false, ok: 201 },
    { name: 'audit log', method: 'get', path: () => '/v1/audit', need: 'admin', project: false, ok: 200 },
    { name: 'cancel a run', method: 'post', path: () => `/v1/runs/${ids.run}/cancel`, need: 'write', project: P, ok: 200 },
    { name: 'remove a worker', method: 'delete', path: () => `/v1/workers/${ids.worker}`, need: 'operate', project: false, ok: 200 },
  ];

  const send = (who: Who, c: Case) => {
    let req = as(who)[c.method](c.path());
    if (who === 'revoked') req = request(app.getHttpServer())[c.method](c.path()).set('Authorization', `Bearer ${keys.revoked}`);
    if (c.type) req = req.set('Content-Type', c.type);
    return c.body ? req.send(c.body() as object) : req;
  };
  const counts = async () => Object.fromEntries(await Promise.all(COUNTED.map(async (t) => [t, (await db.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n])));

  it('refuses every key without the right: 401, 403, or 404 for another project, and writes nothing', async () => {
    const before = await counts();
    const seen: string[] = [];
    for (const c of cases) {
      for (const who of ALL) {
        const want = expected(who, c);
        if (want === 'ok') continue;
        const res = await send(who, c);
        seen.push(`${c.name} as ${who}: ${res.status}${res.status === want ? '' : ` (expected ${want}: ${JSON.stringify(res.body).slice(0, 200)})`}`);
      }
    }
    expect(seen.filter((s) => s.includes('expected'))).toEqual([]);
    expect(seen.length).toBeGreaterThan(150);
    expect(await counts()).toEqual(before);
  });

  it('lets the least-privileged allowed key do each thing', async () => {
    const order: Who[] = ['viewerA', 'memberA', 'operator', 'admin'];
    const wrong: string[] = [];
    for (const c of cases) {
      const who = order.find((w) => expected(w, c) === 'ok')!;
      const res = await send(who, c);
      if (res.status !== c.ok) wrong.push(`${c.name} as ${who}: ${res.status} (expected ${c.ok}: ${JSON.stringify(res.body).slice(0, 200)})`);
    }
    expect(wrong).toEqual([]);
  });

  it('shows a project nothing of another in lists, and gives artifacts and presigned URLs only to their project', async () => {
    const b = authed(app, keys.viewerB);
    expect((await b.get('/v1/runs').expect(200)).body.items).toEqual([]);
    expect((await b.get('/v1/models').expect(200)).body.items).toEqual([]);
    expect((await b.get('/v1/density/references').expect(200)).body).toEqual([]);
    expect((await b.get('/v1/density/imports').expect(200)).body.items).toEqual([]);
    const names = (await b.get('/v1/benchmarks').expect(200)).body.tasks.map((t: { name: string }) => t.name);
    expect(names).toContain('arc_easy');
    expect(names).not.toContain('qa_of_a');
    expect((await authed(app, keys.viewerA).get('/v1/runs').expect(200)).body.items.map((r: { id: string }) => r.id)).toContain(ids.run);
    // the artifact: byte for byte to its project; a presigned URL signed for that one object, for 5 minutes
    const got = await authed(app, keys.viewerA).get(`/v1/artifacts/${ids.artifact}/download`).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(Buffer.compare(got.body as Buffer, artifactBody)).toBe(0);
    const signed = new URL((await authed(app, keys.viewerA).get(`/v1/artifacts/${ids.artifact}/download?presign=1`).expect(302)).headers.location);
    expect(signed.pathname).toBe(`/densebench-test/runs/${ids.run}/secret.jsonl`);
    expect(signed.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(signed.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const other = await b.get(`/v1/artifacts/${ids.artifact}/download?presign=1`).expect(404);
    expect(other.headers.location).toBeUndefined();
    // a project cannot take another's task name, nor learn more than that it is taken
    const taken = await authed(app, keys.memberB).post('/v1/benchmarks?replace=true').set('content-type', 'application/yaml').send(taskYaml('qa_of_a')).expect(409);
    expect(taken.body.message).toBe('the benchmark name "qa_of_a" is taken: choose another');
  });

  it('records who did what in the audit log, refusals included, readable by admins only', async () => {
    const log = (await authed(app).get('/v1/audit?action=POST%20/v1/runs&limit=1000').expect(200)).body as Array<{ actorKind: string; actorName: string | null; status: number; action: string; ip: string; targetId: string | null }>;
    expect(log.some((e) => e.action === 'POST /v1/runs/:id/cancel' && e.targetId === ids.run && e.status === 200)).toBe(true);
    expect(log.some((e) => e.actorKind === 'key' && e.actorName === 'test-member' && e.status === 202 && e.action === 'POST /v1/runs')).toBe(true);
    expect(log.some((e) => e.actorKind === 'key' && e.actorName === 'test-viewer' && e.status === 403)).toBe(true);
    expect(log.some((e) => e.actorKind === 'anonymous' && e.status === 401)).toBe(true);
    expect(log.every((e) => typeof e.ip === 'string')).toBe(true);
    await authed(app, keys.operator).get('/v1/audit').expect(403);
  });
});
