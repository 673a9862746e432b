import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, serviceEnv } from './test-env';

const WORKER_MAIN = join(REPO_ROOT, 'dist', 'apps', 'worker', 'src', 'main.js');

/** A real worker agent process (the built one in dist/), as operators run it. */
export class WorkerProcess {
  readonly child: ChildProcess;
  output = '';

  constructor(name: string, apiUrl: string, extra: Record<string, string> = {}) {
    if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run npm run build before the e2e tests`);
    this.child = spawn(process.execPath, [WORKER_MAIN], {
      env: { ...process.env, ...serviceEnv({ API_URL: apiUrl, WORKER_NAME: name, LOG_LEVEL: 'log', ...extra }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
      const t = setTimeout(() => reject(new Error(`worker did not exit within ${timeoutMs} ms:\n${this.output.slice(-3000)}`)), timeoutMs);
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
