import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { freePort } from './free-port';

export interface EmbeddedRedis {
  url: string;
  stop(): Promise<void>;
}

export function redisServerAvailable(bin = 'redis-server'): boolean {
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
  return !r.error && r.status === 0;
}

/**
 * A redis-server child process on a free port (or `opts.port`), keeping nothing on disk; with
 * `opts.appendOnly` it keeps its data in `dir` (AOF) across a stop and a start on the same folder.
 */
export async function startEmbeddedRedis(dir: string, bin = 'redis-server', opts: { port?: number; appendOnly?: boolean; bind?: string } = {}): Promise<EmbeddedRedis> {
  if (!redisServerAvailable(bin)) {
    throw new Error(
      'redis-server was not found on PATH. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) ' +
        'or point densebench at an existing Redis with REDIS_URL=redis://host:6379.',
    );
  }
  await mkdir(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', opts.bind ?? '127.0.0.1', '--save', '', '--appendonly', opts.appendOnly ? 'yes' : 'no', '--dir', dir, '--daemonize', 'no'];
  // Bound to a private address of its own (a test's network namespaces): reachable there without a password.
  if (opts.bind && opts.bind !== '127.0.0.1') args.push('--protected-mode', 'no');
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(port, 10_000, () => (child.exitCode !== null ? `redis-server exited: ${stderr.trim()}` : null), opts.bind);
  return {
    url: `redis://${opts.bind ?? '127.0.0.1'}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function waitForPort(port: number, timeoutMs: number, failed: () => string | null = () => null, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host }, () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
