import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DomainException, ErrorCode } from '@app/contracts';
import { sha256 } from '../hashing';

/** Opens s3://bucket/key; null when the object does not exist. Injected (libs/storage owns S3). */
export type OpenS3 = (bucket: string, key: string) => Promise<Readable | null> | Readable | null;

/**
 * Content-addressed dataset cache (the S3 implementation is wired by libs/storage): remote files
 * are stored under their sha256 once fetched; a file whose sha256 is pinned in the task config is
 * read from the cache before any network access.
 */
export interface DatasetCache {
  get(hash: string): Promise<Buffer | null>;
  put(hash: string, bytes: Buffer): Promise<void>;
}

export interface SourceOptions {
  dataDir: string;
  openS3?: OpenS3;
  fetch?: typeof fetch;
  cache?: DatasetCache;
}

export interface FetchedFile {
  /** As written in the config. */
  uri: string;
  /** Local path or URL actually read. */
  location: string;
  bytes: Buffer;
  sha256: string;
  fromCache: boolean;
}

export type ResolvedLocation =
  | { kind: 'file'; path: string }
  | { kind: 's3'; bucket: string; key: string }
  | { kind: 'http'; url: string };

/** hf://datasets/<owner>/<name>[@revision]/<path> → the file's "resolve" URL on huggingface.co. */
export function hfToHttps(uri: string, revision = 'main'): string {
  const m = /^hf:\/\/datasets\/([^/]+)\/([^/@]+)(?:@([^/]+))?\/(.+)$/.exec(uri);
  if (!m) throw new DomainException(ErrorCode.InvalidInput, `not a Hugging Face dataset path (hf://datasets/<owner>/<name>[@revision]/<file>): ${uri}`);
  const rev = m[3] ?? revision;
  return `https://huggingface.co/datasets/${m[1]}/${m[2]}/resolve/${encodeURIComponent(decodeURIComponent(rev))}/${m[4].split('/').map(encodeURIComponent).join('/')}`;
}

/** Where a dataset URI points: a local file (relative paths are under dataDir), S3 or HTTP(S). */
export function resolveLocation(uri: string, dataDir: string, revision?: string): ResolvedLocation {
  if (uri.startsWith('s3://')) {
    const rest = uri.slice(5);
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1) throw new DomainException(ErrorCode.InvalidInput, `S3 dataset path must be s3://bucket/key: ${uri}`);
    return { kind: 's3', bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
  }
  if (uri.startsWith('http://') || uri.startsWith('https://')) return { kind: 'http', url: uri };
  if (uri.startsWith('hf://')) return { kind: 'http', url: hfToHttps(uri, revision) };
  if (uri.startsWith('file://')) return { kind: 'file', path: fileURLToPath(uri) };
  return { kind: 'file', path: isAbsolute(uri) ? uri : join(dataDir, uri) };
}

const isRemote = (loc: ResolvedLocation) => loc.kind !== 'file';

/** Reads a whole dataset file, through the cache for remote sources. */
export async function fetchFile(uri: string, opts: SourceOptions, pin?: { sha256?: string; revision?: string }): Promise<FetchedFile> {
  const loc = resolveLocation(uri, opts.dataDir, pin?.revision);
  const location = loc.kind === 'file' ? loc.path : loc.kind === 's3' ? `s3://${loc.bucket}/${loc.key}` : loc.url;
  if (isRemote(loc) && pin?.sha256 && opts.cache) {
    const cached = await opts.cache.get(pin.sha256).catch(() => null);
    if (cached && sha256(cached) === pin.sha256) return { uri, location, bytes: cached, sha256: pin.sha256, fromCache: true };
  }
  const bytes = await readLocation(loc, uri, opts);
  const hash = sha256(bytes);
  if (pin?.sha256 && pin.sha256 !== hash) {
    throw new DomainException(ErrorCode.InvalidInput, `dataset file ${uri}: sha256 is ${hash}, the task pins ${pin.sha256}`, { uri, sha256: hash });
  }
  if (isRemote(loc) && opts.cache) await opts.cache.put(hash, bytes).catch(() => undefined);
  return { uri, location, bytes, sha256: hash, fromCache: false };
}

async function readLocation(loc: ResolvedLocation, uri: string, opts: SourceOptions): Promise<Buffer> {
  switch (loc.kind) {
    case 'file':
      try {
        return await readFile(loc.path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          throw new DomainException(ErrorCode.MissingResource, `dataset file not found: ${loc.path}`, { path: loc.path, uri });
        }
        throw new DomainException(ErrorCode.InvalidInput, `dataset file ${loc.path} could not be read: ${(err as Error).message}`, { path: loc.path });
      }
    case 's3': {
      if (!opts.openS3) throw new DomainException(ErrorCode.InvalidInput, `dataset ${uri} is on S3 but no S3 access is configured`);
      let stream: Readable | null;
      try {
        stream = await opts.openS3(loc.bucket, loc.key);
      } catch (err) {
        throw new DomainException(ErrorCode.Transient, `dataset ${uri}: S3 read failed: ${(err as Error).message}`, { uri });
      }
      if (!stream) throw new DomainException(ErrorCode.MissingResource, `dataset file not found: ${uri}`, { uri });
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
      return Buffer.concat(chunks);
    }
    case 'http': {
      const f = opts.fetch ?? fetch;
      let res: Response;
      try {
        res = await f(loc.url, { redirect: 'follow' });
      } catch (err) {
        throw new DomainException(ErrorCode.Transient, `dataset ${uri}: download failed: ${(err as Error).message}`, { uri, url: loc.url });
      }
      if (res.status === 404 || res.status === 401 || res.status === 403) {
        throw new DomainException(ErrorCode.MissingResource, `dataset file not found: ${uri} (HTTP ${res.status} from ${loc.url})`, { uri, url: loc.url });
      }
      if (!res.ok) {
        const code = res.status >= 500 || res.status === 429 ? ErrorCode.Transient : ErrorCode.InvalidInput;
        throw new DomainException(code, `dataset ${uri}: HTTP ${res.status} from ${loc.url}`, { uri, url: loc.url });
      }
      return Buffer.from(await res.arrayBuffer());
    }
  }
}
