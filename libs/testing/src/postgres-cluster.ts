import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The machine's PostgreSQL server binaries (Debian: /usr/lib/postgresql/<major>/bin), newest first. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'pg_ctl'))) : [];
  if (majors.length === 0) throw new Error('PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)');
  return join(root, majors.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

/**
 * A PostgreSQL cluster of a test's own (initdb, pg_ctl), on a port of its own, to stop and start again
 * with its data while services use it. Postgres refuses to run as root: as root the cluster belongs to
 * and runs as the postgres system user. Trust authentication on 127.0.0.1 only.
 */
export class PostgresCluster {
  readonly dir: string;
  private readonly bin = postgresBin();
  private readonly asPostgres = process.getuid?.() === 0;

  constructor(readonly port: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'pg-cluster-'));
    if (this.asPostgres) chownSync(this.dir, postgresUid(), postgresGid());
    this.run('initdb', ['-D', this.dir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    // fsync off: a test's cluster, stopped cleanly, restarted with its data; -k: its socket in its own folder.
    this.run('pg_ctl', ['-D', this.dir, '-w', '-t', '60', '-l', join(this.dir, 'log'), '-o', `-p ${this.port} -h 127.0.0.1 -k ${this.dir} -c fsync=off`, 'start']);
  }

  stop(): void {
    this.run('pg_ctl', ['-D', this.dir, '-w', '-m', 'fast', 'stop']);
  }

  private run(tool: string, args: string[]): void {
    const cmd = join(this.bin, tool);
    const [file, argv] = this.asPostgres ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    execFileSync(file, argv, { stdio: 'pipe' });
  }
}

const postgresUid = () => Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
const postgresGid = () => Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
