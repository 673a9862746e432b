import { ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, WriteStream } from 'node:fs';
import { join } from 'node:path';

/** Previous starts' logs kept per service: <name>.1.log (the last start) … <name>.<KEEP>.log. */
const KEEP = 5;
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * The services' logs of one start of the stack: <dir>/<service>.log, the previous starts' rotated to <service>.1.log
 * and on (KEEP of them). Lines go to the files without terminal colour codes; with `verbose` also to the terminal as
 * they came.
 */
export class ServiceLogs {
  private readonly files = new Map<string, WriteStream>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  line(name: string, line: string): void {
    this.file(name).write(`${line.replace(ANSI, '')}\n`);
  }

  pipe(child: ChildProcess, name: string, verbose: boolean): void {
    const onData = (d: Buffer) => {
      for (const line of d.toString().split('\n')) {
        if (!line) continue;
        if (verbose) process.stdout.write(`[${name}] ${line}\n`);
        this.line(name, line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
  }

  close(): Promise<void> {
    const open = [...this.files.values()];
    this.files.clear();
    return Promise.all(open.map((f) => new Promise<void>((resolve) => f.end(resolve)))).then(() => undefined);
  }

  private file(name: string): WriteStream {
    let f = this.files.get(name);
    if (!f) {
      rotate(this.dir, name);
      f = createWriteStream(join(this.dir, `${name}.log`), { flags: 'w' });
      this.files.set(name, f);
    }
    return f;
  }
}

function rotate(dir: string, name: string): void {
  const at = (n: number) => join(dir, n === 0 ? `${name}.log` : `${name}.${n}.log`);
  rmSync(at(KEEP), { force: true });
  for (let n = KEEP - 1; n >= 0; n--) if (existsSync(at(n))) renameSync(at(n), at(n + 1));
}
