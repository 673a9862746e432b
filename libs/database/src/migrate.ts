import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

// An arbitrary constant: every densebench process that migrates takes the same advisory lock.
const MIGRATION_LOCK_ID = 7_412_093_411;

/**
 * Runs pending migrations under a Postgres advisory lock, so that several replicas starting at once
 * migrate exactly once. Returns the names of the migrations that ran.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = new DataSource(dataSourceOptions(url, 2));
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      const ran = await ds.runMigrations({ transaction: 'each' });
      if (ran.length > 0) new Logger('Migrations').log(`applied ${ran.map((m) => m.name).join(', ')}`);
      return ran.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
    await ds.destroy();
  }
}
