import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

// Kept free of the service libraries: `densebench --help` and the client commands load only what they use.

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/** $DENSEBENCH_HOME, else ~/.densebench: the CLI's config, the embedded stack's state, the demo's results. */
export const densebenchHome = (env: NodeJS.ProcessEnv = process.env): string => env.DENSEBENCH_HOME ?? join(homedir(), '.densebench');

/** Where `densebench up` records the running API (and the client commands read it): $DENSEBENCH_HOME/config.json. */
export const cliConfigFile = (env: NodeJS.ProcessEnv = process.env): string => join(densebenchHome(env), 'config.json');

export interface CliConfig {
  apiUrl?: string;
  /** The API key the client commands send (written by `densebench up`: its admin key). */
  apiKey?: string;
}

export function readCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const file = cliConfigFile(env);
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CliConfig;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message}): fix or delete it`);
  }
}

/** Written by `densebench up` (mode 600: it may hold credentials). */
export function writeCliConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): string {
  const file = cliConfigFile(env);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...readCliConfig(env), ...config }, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/** The API the client commands talk to: --api, else DENSEBENCH_API_URL, else what `densebench up` recorded, else the default. */
export function resolveApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return (flag ?? env.DENSEBENCH_API_URL ?? readCliConfig(env).apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
}

/** The API key the client commands send: --api-key, else DENSEBENCH_API_KEY, else what `densebench up` recorded. */
export function resolveApiKey(flag?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? (env.DENSEBENCH_API_KEY || undefined) ?? readCliConfig(env).apiKey;
}

/** The version of the installed package (its package.json, found above this file in source and dist builds alike). */
export function packageVersion(from: string = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'densebench' && pkg.version) return pkg.version;
  }
  return 'unknown';
}
