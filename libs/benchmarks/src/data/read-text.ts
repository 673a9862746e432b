import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DomainException, ErrorCode } from '@app/contracts';

// unbzip2-stream has no types; it returns a transform stream.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const bz2 = require('unbzip2-stream') as () => NodeJS.ReadWriteStream;

/** Opens a local file as a stream of decompressed bytes (.gz and .bz2 by extension). */
export function openDecompressed(path: string): Readable {
  const raw = createReadStream(path);
  if (path.endsWith('.gz')) return raw.pipe(createGunzip());
  // unbzip2-stream is an old-style stream: re-wrap it as a modern (async-iterable) Readable.
  if (path.endsWith('.bz2')) return raw.pipe(bz2()).pipe(new PassThrough());
  return raw;
}

/** Reads a whole (possibly compressed) text file; a clear error names the file when it is missing or corrupt. */
export async function readText(path: string): Promise<string> {
  try {
    await access(path);
  } catch {
    throw new DomainException(ErrorCode.MissingResource, `dataset file not found: ${path}`, { path });
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of openDecompressed(path)) chunks.push(Buffer.from(chunk as Buffer));
  } catch (err) {
    throw new DomainException(ErrorCode.InvalidInput, `dataset file ${path} could not be read: ${(err as Error).message}`, {
      path,
    });
  }
  return Buffer.concat(chunks).toString('utf8');
}
