import { PatientRetryStrategy } from './patient-retry';

describe('PatientRetryStrategy', () => {
  it('backs off exponentially up to 5 s and gives up once the time budget is spent', async () => {
    let now = 0;
    const s = new PatientRetryStrategy(30_000, () => now, () => 1);
    let t = await s.acquireInitialRetryToken();
    const delays: number[] = [];
    for (;;) {
      try {
        t = await s.refreshRetryTokenForRetry(t, { errorType: 'TRANSIENT' });
      } catch {
        break;
      }
      delays.push(t.getRetryDelay());
      now += t.getRetryDelay();
    }
    expect(delays.slice(0, 6)).toEqual([200, 400, 800, 1600, 3200, 5000]);
    expect(delays.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(30_000);
    expect(delays.reduce((a, b) => a + b, 0)).toBeGreaterThan(25_000);
    expect(t.getRetryCount()).toBe(delays.length);
  });

  it('retries server errors and throttling, never client errors', async () => {
    const s = new PatientRetryStrategy(60_000, () => 0, () => 0);
    const t = await s.acquireInitialRetryToken();
    await expect(s.refreshRetryTokenForRetry(t, { errorType: 'SERVER_ERROR' })).resolves.toMatchObject({});
    await expect(s.refreshRetryTokenForRetry(t, { errorType: 'THROTTLING' })).resolves.toMatchObject({});
    await expect(s.refreshRetryTokenForRetry(t, { errorType: 'CLIENT_ERROR' })).rejects.toThrow('no retry (CLIENT_ERROR');
  });

  it('with no budget, never retries', async () => {
    const s = new PatientRetryStrategy(0, () => 0, () => 0);
    await expect(s.refreshRetryTokenForRetry(await s.acquireInitialRetryToken(), { errorType: 'TRANSIENT' })).rejects.toThrow();
  });
});
