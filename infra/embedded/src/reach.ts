import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Whether every folder above `path` lets other users pass through (o+x), as the postgres user must. */
export function othersCanReach(path: string): boolean {
  for (let d = dirname(resolve(path)); ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false;
    if (d === dirname(d)) return true;
  }
}

/** Where root's embedded data goes when the folder meant for it is inside one other users cannot enter (e.g. /root, mode 700). */
export const ROOT_DATA_DIR = '/var/lib/densebench/postgres';

/** The same path under ROOT_DATA_DIR, so that each home keeps a database of its own there. */
export const rootDataDirFor = (dir: string): string => join(ROOT_DATA_DIR, resolve(dir));
