import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiKey, ApiError, get, onUnauthorized, withQuery } from './api';

afterEach(() => {
  vi.unstubAllGlobals();
  apiKey.clear();
});

describe('the API client', () => {
  it('sends the key kept in localStorage as a Bearer token on every request', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ ok: 1 }), { headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetchMock);
    await get('/v1/runs');
    expect((fetchMock.mock.calls[0] as unknown[])[1]).toMatchObject({ headers: {} });
    apiKey.set('dbk_secret');
    expect(await get('/v1/runs')).toEqual({ ok: 1 });
    expect((fetchMock.mock.calls[1] as unknown[])[1]).toMatchObject({ headers: { Authorization: 'Bearer dbk_secret' } });
  });

  it('asks for a key on 401 and fails with the API\'s message', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ statusCode: 401, message: 'missing API key' }), { status: 401, headers: { 'content-type': 'application/json' } })));
    const asked = vi.fn();
    const off = onUnauthorized(asked);
    const err = (await get('/v1/runs').catch((e) => e)) as ApiError;
    off();
    expect(err).toBeInstanceOf(ApiError);
    expect([err.status, err.message]).toEqual([401, 'missing API key']);
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('joins 400 field messages and builds query strings of the values set', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ message: ['limit must not be less than 1', 'q too long'] }), { status: 400 })));
    expect(((await get('/x').catch((e) => e)) as Error).message).toBe('limit must not be less than 1; q too long');
    expect(withQuery('/v1/runs', { status: '', model: 'a b', limit: 25, to: undefined })).toBe('/v1/runs?model=a+b&limit=25');
  });
});
