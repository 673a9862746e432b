import { spawn, spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';

// unbzip2-stream has no types; it returns a transform stream.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const unbzip2 = require('unbzip2-stream') as () => NodeJS.ReadWriteStream;

/** 'system': the bzip2 program on PATH; 'js': unbzip2-stream, on this thread. */
export type Bunzip2Engine = 'system' | 'js';

let systemBzip2: boolean | undefined;

/** Whether a bzip2 program is on PATH (asked once per process). */
export function hasSystemBzip2(): boolean {
  systemBzip2 ??= spawnSync('bzip2', ['--help'], { stdio: 'ignore' }).error === undefined;
  return systemBzip2;
}

/**
 * Decompresses a bzip2 file's bytes. The system's bzip2 (C, in its own process) is about 4× faster than
 * unbzip2-stream and keeps the work off the event loop, which also renews a worker's shard locks; without
 * it, unbzip2-stream decodes here. Rejects with the decoder's own message on corrupt data.
 */
export function bunzip2(bytes: Buffer, engine: Bunzip2Engine = hasSystemBzip2() ? 'system' : 'js'): Promise<Buffer> {
  return engine === 'system' ? bunzip2System(bytes) : bunzip2Js(bytes);
}

function bunzip2System(bytes: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('bzip2', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    // bzip2 stops reading at bad data (EPIPE here); its exit status and message say why.
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(out));
      const first = Buffer.concat(err).toString('utf8').trim().split('\n')[0].replace(/^bzip2: /, '');
      reject(new Error(first || `bzip2 exited with ${code ?? signal}`));
    });
    child.stdin.end(bytes);
  });
}

async function bunzip2Js(bytes: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  // Fed in slices with a macrotask between them: one 2 MB write would block the event loop for seconds.
  const out = Readable.from(slices(bytes, 64 * 1024)).pipe(unbzip2());
  await new Promise<void>((resolve, reject) => {
    out.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
    out.on('end', resolve);
    out.on('error', reject);
  });
  return Buffer.concat(chunks);
}

async function* slices(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) {
    yield bytes.subarray(i, i + size);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
