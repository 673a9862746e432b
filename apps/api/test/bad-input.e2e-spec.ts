import { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { authed, startApi, truncateAll } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';

/** Strings that have broken services before: injection, traversal, unicode, control characters, sizes. */
const NASTY = [
  "'; DROP TABLE runs; --", '" OR 1=1 --', '../../../../etc/passwd', '..\\..\\windows\\win.ini', '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '{{7*7}}', '${process.exit()}', '<script>alert(1)</script>', '\u0000', '\uD800', '𝕯𝖊𝖓𝖘𝖊 ✓ 密度', 'a'.repeat(100_000), '',
  '__proto__', 'constructor', '1e309', '-0', 'NaN', 'null',
];
const nasty = fc.oneof(fc.constantFrom(...NASTY), fc.string(), fc.string({ unit: 'grapheme', maxLength: 50 }));
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    nasty,
    fc.integer(),
    fc.double(),
    fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 1e308, 0),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom('name', 'modelId', 'benchmarks', 'backend', 'role', 'project', 'limit', '__proto__'), fc.string({ maxLength: 8 })), tie('v'), { maxKeys: 5 }),
  ),
})).v;

/** The write endpoints and the fields they take, for bodies that mix real field names with wrong values. */
const BODIES: Array<{ path: string; fields: string[] }> = [
  { path: '/v1/runs', fields: ['modelId', 'benchmarks', 'pool', 'priority', 'shardSize', 'seed'] },
  { path: '/v1/models', fields: ['name', 'paramsTotal', 'backend', 'releaseDate', 'trainingTokens'] },
  { path: '/v1/keys', fields: ['name', 'role', 'project', 'expiresAt'] },
  { path: '/v1/projects', fields: ['name'] },
  { path: '/v1/enrollment-tokens', fields: ['name', 'pools', 'expiresAt'] },
  { path: '/v1/density/references', fields: ['name', 'd0Tokens', 'members', 'metrics', 'isDefault'] },
  { path: '/v1/density/reports', fields: ['reference', 'title', 'from', 'to'] },
  { path: '/v1/workers/register', fields: ['enrollmentToken', 'name', 'pools', 'backends', 'workerId'] },
];
const READS = ['/v1/runs/', '/v1/models/', '/v1/artifacts/', '/v1/benchmarks/', '/v1/density/references/', '/v1/density/imports/', '/v1/workers/', '/v1/runs?status=', '/v1/runs?limit=', '/v1/models?name=', '/v1/density/leaderboard?sort='];

const TABLES = ['runs', 'models', 'api_keys', 'projects', 'enrollment_tokens', 'density_references', 'density_reports', 'workers', 'custom_benchmarks'];

describe('bad input on every endpoint: a 4xx with a clear message, nothing written, the service up (property-based)', () => {
  let app: INestApplication;
  let db: DataSource;
  const counts = async () => (await Promise.all(TABLES.map(async (t) => (await db.query(`SELECT count(*)::int AS n FROM ${t}`))[0].n))).join(',');

  beforeAll(async () => {
    ({ app, db } = await startApi(AppModule, apiBootstrap));
    await truncateAll(db);
  });
  afterAll(() => app?.close());

  const refusedClearly = (res: request.Response) => {
    if (res.status >= 500) throw new Error(`${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    if (res.status >= 400) {
      const msg = Array.isArray(res.body.message) ? res.body.message.join('; ') : res.body.message;
      if (typeof msg !== 'string' || msg.length === 0 || msg.length > 5000) throw new Error(`unclear message: ${JSON.stringify(res.body).slice(0, 300)}`);
    }
  };

  it('write endpoints: bodies of wrong types, missing fields, huge values, unicode and injection strings', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BODIES), fc.array(fc.tuple(fc.nat(), value), { maxLength: 6 }), value, async (ep, picks, raw) => {
        const body = picks.length ? Object.fromEntries(picks.map(([i, v]) => [ep.fields[i % ep.fields.length], v])) : raw;
        const res = await authed(app).post(ep.path).set('Content-Type', 'application/json').send(JSON.stringify(body));
        refusedClearly(res);
        return res.status >= 400;
      }),
      { numRuns: 300, seed: 20261205 },
    );
    expect(await counts()).toBe(before);
    await request(app.getHttpServer()).get('/health/live').expect(200);
  });

  it('ids, names and query values: path traversal, injection, unicode → 4xx (never 5xx)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...READS), nasty, async (prefix, s) => {
        // (a lone surrogate cannot be put in a URL: it goes as U+FFFD, as a browser would send it)
        const res = await authed(app).get(prefix + encodeURIComponent(Buffer.from(s.slice(0, 2000)).toString()));
        refusedClearly(res);
        return true;
      }),
      { numRuns: 300, seed: 20261205 },
    );
    await request(app.getHttpServer()).get('/health/live').expect(200);
  });

  it('malformed JSON, a body too large, a key of the wrong shape', async () => {
    const bad = await authed(app).post('/v1/runs').set('Content-Type', 'application/json').send('{"modelId": ').expect(400);
    expect(bad.body.message).toMatch(/^request body is not valid JSON/);
    const huge = await authed(app).post('/v1/projects').set('Content-Type', 'application/json').send(`{"name":"${'x'.repeat(21 * 1024 * 1024)}"}`).expect(413);
    expect(huge.body.message).toBe('request body is too large');
    for (const header of ['Bearer', 'Bearer dbk_', `Bearer dbk_${'g'.repeat(32)}_${'a'.repeat(43)}`, 'Basic dXNlcjpwYXNz', `Bearer ${"' OR 1=1 --"}`]) {
      const res = await request(app.getHttpServer()).get('/v1/runs').set('Authorization', header).expect(401);
      expect(res.body.message).toMatch(/API key/);
    }
  });
});
