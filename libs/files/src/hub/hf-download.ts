import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainException, ErrorCode } from '@app/contracts';
import type { OnProgress } from '../progress';
import { exists, HubCacheRepo, isCommitHash } from './hf-cache';
import { anySignal, authHeader, causeOf, fileMetadata, HubAccess, HubFailure, HubFileMetadata, httpFailure } from './hf-metadata';
import { HubFileRef, parseHubUri } from './hf-uri';

export interface HubOptions extends HubAccess {
  /** The Hub file cache (HF_HUB_CACHE). */
  cacheDir: string;
  onProgress?: OnProgress;
}

export interface HubFile {
  /** The file in the cache (snapshots/<commit>/<path>). */
  path: string;
  commit: string;
  fromCache: boolean;
}

/** huggingface_hub's defaults, for code built without configuration (apps pass libs/config's HubConfig). */
export const defaultHubOptions = (): HubOptions => ({ endpoint: 'https://huggingface.co', cacheDir: join(homedir(), '.cache', 'huggingface', 'hub') });

const isSha256 = (s: string) => /^[0-9a-f]{64}$/.test(s);

/**
 * A Hub file on local disk: from the cache when this revision's copy is there, else downloaded into
 * it (huggingface_hub's layout). A download goes to a file of its own and is renamed into place only
 * once its size and hash check out — the sha256 asked for and the Hub's ETag (sha256 of LFS files,
 * git blob sha1 of others) — so no partial or wrong file is ever visible under its final name. When
 * the Hub cannot be reached, a cached copy of the revision serves.
 */
export async function hubFile(uri: string, opts: HubOptions & { revision?: string; sha256?: string }): Promise<HubFile> {
  const ref = parseHubUri(uri, opts.revision);
  const repo = new HubCacheRepo(opts.cacheDir, ref);
  if (isCommitHash(ref.revision)) {
    const hit = await repo.cachedFile();
    if (hit) return { path: hit, commit: ref.revision, fromCache: true };
  }
  const head = await fileMetadata(ref, opts);
  if (!head.ok) {
    const hit = head.failure.definitive ? undefined : await repo.cachedFile();
    if (hit) return { path: hit, commit: (await repo.readRef()) ?? ref.revision, fromCache: true };
    throw unavailable(ref, head.failure);
  }
  const { commit, etag } = head.meta;
  await repo.writeRef(commit);
  const pointer = repo.snapshot(commit);
  if (await exists(pointer)) return { path: pointer, commit, fromCache: true };
  if (!(await exists(repo.blob(etag)))) {
    if (opts.sha256 && isSha256(etag) && etag !== opts.sha256) throw mismatch(ref, etag, opts.sha256, 'the Hub lists it with');
    await downloadBlob(repo, head.meta, opts);
  }
  return { path: await repo.link(commit, etag), commit, fromCache: false };
}

async function downloadBlob(repo: HubCacheRepo, meta: HubFileMetadata, opts: HubOptions & { sha256?: string }): Promise<void> {
  const { ref } = repo;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(meta.location, { headers: { ...authHeader(opts, meta.location), 'accept-encoding': 'identity' }, signal: opts.signal });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw unavailable(ref, { reason: `the download from ${meta.location} failed (${causeOf(err)})`, definitive: false, retryable: true });
  }
  if (!res.ok || !res.body) throw unavailable(ref, httpFailure(res, ref, opts.endpoint));
  const total = meta.size ?? (Number(res.headers.get('content-length')) || undefined);

  await mkdir(dirname(repo.blob(meta.etag)), { recursive: true });
  await repo.removeStaleIncomplete(meta.etag);
  const tmp = repo.incomplete(meta.etag);
  const sha256 = createHash('sha256');
  // A file kept in git (not LFS) is checked against its git blob id.
  const gitSha1 = /^[0-9a-f]{40}$/.test(meta.etag) && total !== undefined ? createHash('sha1').update(`blob ${total}\0`) : undefined;
  let received = 0;
  const report = (phase: 'start' | 'data' | 'done') => opts.onProgress?.({ uri: ref.uri, phase, receivedBytes: received, totalBytes: total });
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      sha256.update(chunk);
      gitSha1?.update(chunk);
      report('data');
      done(null, chunk);
    },
  });
  report('start');
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), meter, createWriteStream(tmp), { signal: anySignal(opts.signal) });
    if (total !== undefined && received !== total) {
      throw unavailable(ref, { reason: `the download from ${meta.location} ended after ${received} of ${total} bytes`, definitive: false, retryable: true });
    }
    const digest = sha256.digest('hex');
    if (opts.sha256 && digest !== opts.sha256) throw mismatch(ref, digest, opts.sha256, 'the downloaded file has');
    if ((isSha256(meta.etag) && digest !== meta.etag) || (gitSha1 && gitSha1.digest('hex') !== meta.etag)) {
      throw unavailable(ref, { reason: `the download from ${meta.location} does not match the Hub's ETag ${meta.etag} (corrupted in transit)`, definitive: false, retryable: true });
    }
    await rename(tmp, repo.blob(meta.etag));
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    if (err instanceof DomainException || opts.signal?.aborted) throw err;
    throw unavailable(ref, { reason: `the download from ${meta.location} was interrupted after ${received}${total !== undefined ? ` of ${total}` : ''} bytes (${causeOf(err)})`, definitive: false, retryable: true });
  }
  report('done');
}

/** A file the Hub could not provide; `details.reason` says why, for the caller's message. */
export function unavailable(ref: HubFileRef, f: HubFailure): DomainException {
  return new DomainException(f.retryable ? ErrorCode.Transient : ErrorCode.MissingResource, `${ref.uri}: ${f.reason}`, { uri: ref.uri, reason: f.reason, hub: true });
}

function mismatch(ref: HubFileRef, actual: string, expected: string, what: string): DomainException {
  return new DomainException(ErrorCode.InvalidInput, `${ref.uri}: ${what} sha256 ${actual}, expected ${expected}; it was not kept`, { uri: ref.uri, sha256: actual, expected });
}
