import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { authed, startApi } from '@app/testing';
import { AppModule } from '../src/app.module';
import { apiBootstrap } from '../src/bootstrap';

describe('HTTP hardening: security headers, CORS off unless configured, rate limits per key, open endpoints by configuration', () => {
  let app: INestApplication;
  afterEach(async () => {
    await app?.close();
    delete process.env.API_CORS_ORIGINS;
    delete process.env.API_OPEN_ENDPOINTS;
  });

  it('sends security headers, no X-Powered-By and no CORS headers by default; health is open, metrics is not', async () => {
    ({ app } = await startApi(AppModule, apiBootstrap));
    const res = await authed(app).get('/v1/runs').set('Origin', 'https://evil.example').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const anon = request(app.getHttpServer());
    await anon.get('/health/live').expect(200);
    await anon.get('/metrics').expect(401);
    await anon.options('/v1/runs').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST').expect((r) => expect(r.headers['access-control-allow-origin']).toBeUndefined());
  });

  it('allows only the configured origins, opens metrics when configured, and limits each key to its rate', async () => {
    ({ app } = await startApi(AppModule, apiBootstrap, { API_CORS_ORIGINS: 'https://dash.example', API_OPEN_ENDPOINTS: 'health,metrics', API_RATE_LIMIT_PER_MINUTE: '5' }));
    const anon = request(app.getHttpServer());
    const pre = await anon.options('/v1/runs').set('Origin', 'https://dash.example').set('Access-Control-Request-Method', 'POST').expect(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://dash.example');
    expect(pre.headers['access-control-allow-headers']).toContain('Authorization');
    const other = await anon.options('/v1/runs').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await anon.get('/metrics').expect(200);
    const http = authed(app);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await http.get('/v1/runs')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await http.get('/v1/runs').expect(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
  });
});
