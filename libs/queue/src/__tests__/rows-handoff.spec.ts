import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { RowsHandoff, ROWS_HANDOFF_TTL_S } from '../rows-handoff';
import { RunEvents, type RunEvent } from '../run-events';

/** Against the machine's real Redis (TEST_REDIS_URL, default 127.0.0.1:6379), under a prefix of its own. */
const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `dbtest-queue-${process.pid}-${randomUUID().slice(0, 8)}`;

describe('RowsHandoff (real Redis)', () => {
  const handoff = new RowsHandoff({ url, prefix }, { rowsHandoffMaxBytes: 1024 });
  const off = new RowsHandoff({ url, prefix }, { rowsHandoffMaxBytes: 0 });
  let redis: IORedis;

  beforeAll(() => {
    redis = new IORedis(url);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await Promise.all([handoff.onApplicationShutdown(), off.onApplicationShutdown(), redis.quit()]);
  });

  it('hands small rows over with a TTL, takes several in one call, and drops them', async () => {
    const rows = Buffer.from([0x1f, 0x8b, 0, 1, 2, 255]);
    expect(await handoff.put('a', { rows, samplesBytes: 123 })).toBe(true);
    expect(await handoff.put('b', { rows: Buffer.from('b'), samplesBytes: 7 })).toBe(true);
    const ttl = await redis.ttl(handoff.key('a'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(ROWS_HANDOFF_TTL_S);
    const got = await handoff.take(['a', 'missing', 'b']);
    expect([...got.keys()]).toEqual(['a', 'b']);
    expect(got.get('a')).toEqual({ rows, samplesBytes: 123 });
    await handoff.drop(['a', 'b']);
    expect((await handoff.take(['a', 'b'])).size).toBe(0);
  });

  it('keeps rows larger than the limit out of Redis, and does nothing when turned off', async () => {
    expect(await handoff.put('big', { rows: Buffer.alloc(1025), samplesBytes: 1 })).toBe(false);
    expect(await redis.exists(handoff.key('big'))).toBe(0);
    expect(await off.put('c', { rows: Buffer.from('c'), samplesBytes: 1 })).toBe(false);
    expect(await redis.exists(off.key('c'))).toBe(0);
  });

  it('treats an entry without a usable size as a miss', async () => {
    await redis.hset(handoff.key('odd'), 'rows', 'x', 'samplesBytes', 'NaN');
    expect((await handoff.take(['odd'])).size).toBe(0);
  });

  it('reports a Redis it cannot reach as a miss, not an error', async () => {
    const down = new RowsHandoff({ url: 'redis://127.0.0.1:1', prefix }, { rowsHandoffMaxBytes: 1024 });
    try {
      expect(await down.put('a', { rows: Buffer.from('a'), samplesBytes: 1 })).toBe(false);
      expect((await down.take(['a'])).size).toBe(0);
    } finally {
      await down.onApplicationShutdown();
    }
  });
});

describe('RunEvents (real Redis)', () => {
  const events = new RunEvents({ url, prefix });
  afterAll(() => events.onApplicationShutdown());

  it("delivers a run's notices to its subscribers only, until they unsubscribe", async () => {
    const seen: RunEvent[] = [];
    const unsubscribe = await events.subscribe('r1', (e) => seen.push(e));
    const other: RunEvent[] = [];
    const unsubscribeOther = await events.subscribe('r2', (e) => other.push(e));
    await events.publish('r1', 'progress');
    await events.publish('r1', 'ended');
    for (let i = 0; i < 50 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([
      { runId: 'r1', kind: 'progress' },
      { runId: 'r1', kind: 'ended' },
    ]);
    expect(other).toEqual([]);
    await unsubscribe();
    await events.publish('r1', 'cancelled');
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toHaveLength(2);
    await unsubscribeOther();
  });
});
