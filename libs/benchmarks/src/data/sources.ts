import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DomainException, ErrorCode } from '@app/contracts';
import { defaultHubOptions, HubOptions, isHubUri, locateFile } from '@app/files';
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
  /** Folders a relative path is looked up in, in order (the first holding the file wins). */
  dataRoots: readonly string[];
  openS3?: OpenS3;
  fetch?: typeof fetch;
  cache?: DatasetCache;
  /** hf:// files: the Hub and its local cache (default huggingface.co and ~/.cache/huggingface/hub). */
  hub?: HubOptions;
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
  | { kind: 'http'; url: string }
  | { kind: 'hub'; uri: string };

/** What a dataset URI names: a local file (absolute, or relative to the data roots), S3, HTTP(S) or a Hub file. */
export function resolveLocation(uri: string): ResolvedLocation {
  if (uri.startsWith('s3://')) {
    const rest = uri.slice(5);
    const slash = rest.indexOf('/');
    if (slash <= 0 || slash === rest.length - 1) throw new DomainException(ErrorCode.InvalidInput, `S3 dataset path must be s3://bucket/key: ${uri}`);
    return { kind: 's3', bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
  }
  if (uri.startsWith('http://') || uri.startsWith('https://')) return { kind: 'http', url: uri };
  if (isHubUri(uri)) return { kind: 'hub', uri };
  if (uri.startsWith('file://')) return { kind: 'file', path: fileURLToPath(uri) };
  return { kind: 'file', path: uri };
}

const isRemote = (loc: ResolvedLocation) => loc.kind !== 'file';

/** Reads a whole dataset file, through the cache for remote sources. */
export async function fetchFile(uri: string, opts: SourceOptions, pin?: { sha256?: string; revision?: string }): Promise<FetchedFile> {
  const loc = resolveLocation(uri);
  if (isRemote(loc) && pin?.sha256 && opts.cache) {
    const cached = await opts.cache.get(pin.sha256).catch(() => null);
    if (cached && sha256(cached) === pin.sha256) return { uri, location: describe(loc), bytes: cached, sha256: pin.sha256, fromCache: true };
  }
  const { bytes, location } = await readLocation(loc, uri, opts, pin);
  const hash = sha256(bytes);
  if (pin?.sha256 && pin.sha256 !== hash) {
    throw new DomainException(ErrorCode.InvalidInput, `dataset file ${uri}: sha256 is ${hash}, the task pins ${pin.sha256}`, { uri, sha256: hash });
  }
  if (isRemote(loc) && opts.cache) await opts.cache.put(hash, bytes).catch(() => undefined);
  return { uri, location, bytes, sha256: hash, fromCache: false };
}

const describe = (loc: ResolvedLocation) => (loc.kind === 'file' ? loc.path : loc.kind === 's3' ? `s3://${loc.bucket}/${loc.key}` : loc.kind === 'http' ? loc.url : loc.uri);

async function readLocation(loc: ResolvedLocation, uri: string, opts: SourceOptions, pin?: { sha256?: string; revision?: string }): Promise<{ bytes: Buffer; location: string }> {
  switch (loc.kind) {
    case 'file':
    case 'hub': {
      const ref = loc.kind === 'file' ? loc.path : loc.uri;
      const path = await locateFile(ref, { kind: 'data', roots: opts.dataRoots, hub: opts.hub ?? defaultHubOptions(), revision: pin?.revision, sha256: pin?.sha256 });
      try {
        return { bytes: await readFile(path), location: path };
      } catch (err) {
        throw new DomainException(ErrorCode.InvalidInput, `dataset file ${path} could not be read: ${(err as Error).message}`, { path });
      }
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
      return { bytes: Buffer.concat(chunks), location: describe(loc) };
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
      return { bytes: Buffer.from(await res.arrayBuffer()), location: loc.url };
    }
  }
}
