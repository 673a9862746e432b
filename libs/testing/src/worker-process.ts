import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, serviceEnv } from './test-env';

const mainOf = (app: 'worker' | 'results') => join(REPO_ROOT, 'dist', 'apps', app, 'src', 'main.js');

/** A real service process (the built one in dist/), as operators run it; its output kept. */
export class ServiceProcess {
  readonly child: ChildProcess;
  output = '';

  constructor(app: 'worker' | 'results', env: Record<string, string>, opts: { wrap?: string[] } = {}) {
    const main = mainOf(app);
    if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build before the e2e tests`);
    // wrap: a command the service runs under (e.g. ip netns exec <ns>).
    const [cmd, ...args] = [...(opts.wrap ?? []), process.execPath, main];
    this.child = spawn(cmd, args, { env: { ...process.env, ...serviceEnv({ LOG_LEVEL: 'log', ...env }) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      this.output += d.toString();
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  waitExit(timeoutMs = 60_000): Promise<number | null> {
    if (this.exited) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`service did not exit within ${timeoutMs} ms:\n${this.output.slice(-3000)}`)), timeoutMs);
      this.child.once('exit', (code) => {
        clearTimeout(t);
        resolve(code);
      });
    });
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    this.kill('SIGTERM');
    try {
      await this.waitExit(45_000);
    } catch {
      this.kill('SIGKILL');
      await this.waitExit(5_000).catch(() => undefined);
    }
  }
}

/** A real worker agent process. */
export class WorkerProcess extends ServiceProcess {
  constructor(name: string, apiUrl: string, extra: Record<string, string> = {}, opts: { wrap?: string[] } = {}) {
    super('worker', { API_URL: apiUrl, WORKER_NAME: name, ...extra }, opts);
  }
}
