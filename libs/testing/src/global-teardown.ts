import { rmSync } from 'node:fs';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { readState, STATE_ENV } from './test-env';

/** Stops the S3 server, removes this run's Redis keys and drops its database. */
export default async function globalTeardown(): Promise<void> {
  const s3 = (globalThis as { __densebenchS3?: { stop(): Promise<void> } }).__densebenchS3;
  const st = readState();
  const redis = new IORedis(st.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${st.queuePrefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  await s3?.stop();
  const admin = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS densebench_test_${st.runId} WITH (FORCE)`);
  await admin.end();
  rmSync(process.env[STATE_ENV]!, { force: true });
}
