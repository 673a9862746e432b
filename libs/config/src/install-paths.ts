import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'densebench';

/**
 * The folder of the installed densebench package (the checkout): the nearest folder above `from`
 * whose package.json is densebench's. Found from this file, not the process's working directory, so
 * it is the same for every process and for source (ts-jest) and dist/ builds alike.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readManifestName(manifest) === PACKAGE_NAME) return dir;
    if (dir === dirname(dir)) throw new Error(`the densebench package.json was not found above ${from}`);
  }
}

function readManifestName(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** The demo kit committed with the repository: the last place data and model files are looked up. */
export const kitDir = (root: string = packageRoot()): string => join(root, 'infra', 'embedded', 'kit');
