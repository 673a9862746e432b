import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainException, ErrorCode, LlamaCppBackendSpec } from '@app/contracts';
import { confinedModelPath, defaultHubOptions, fetchConfined, HubOptions, isHubUri, locateFile, missingFileMessage, SourcePolicy } from '@app/files';

export interface ModelFileContext {
  /** Folders a relative model path is looked up in, in order (PathsConfig.modelRoots). */
  modelRoots: readonly string[];
  /** s3:// and http(s):// models are downloaded here (WORKER_MODEL_CACHE_DIR). */
  cacheDir: string;
  /** hf:// models: the Hub, its local cache (shared with huggingface_hub) and download progress. */
  hub?: HubOptions;
  /** Opens s3://bucket/key objects; given by the worker (it owns the S3 client). */
  openS3?: (bucket: string, key: string) => Promise<Readable | null>;
  /** What model paths and URLs may reach: the model folders; allowed hosts, public addresses. */
  policy: SourcePolicy;
  signal?: AbortSignal;
}

/** sha256 of a file, remembered next to it by (size, mtime) so a large GGUF is hashed once. */
export async function fileSha256(path: string, cacheDir: string): Promise<string> {
  const st = await stat(path);
  const memo = join(cacheDir, 'hashes', `${createHash('sha1').update(path).digest('hex')}.json`);
  try {
    const m = JSON.parse(await readFile(memo, 'utf8')) as { size: number; mtimeMs: number; sha256: string };
    if (m.size === st.size && m.mtimeMs === st.mtimeMs) return m.sha256;
  } catch {
    /* not memoized yet */
  }
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  const sha256 = h.digest('hex');
  await mkdir(join(cacheDir, 'hashes'), { recursive: true });
  await writeFile(memo, JSON.stringify({ size: st.size, mtimeMs: st.mtimeMs, sha256 }));
  return sha256;
}

/**
 * The local path of a model file: a path (absolute, or looked up in the model roots), an hf:// URI
 * (downloaded once into the Hugging Face cache), or an s3:// or http(s):// URL (downloaded once into
 * the cache dir). Verifies the sha256 when the spec has one.
 */
export async function resolveModelFile(spec: LlamaCppBackendSpec, ctx: ModelFileContext): Promise<{ path: string; sha256: string }> {
  const ref = spec.path ?? spec.url;
  if (!ref) throw new DomainException(ErrorCode.InvalidInput, 'llama-cpp backend needs a path or a url');
  const path =
    spec.path !== undefined
      ? await localModel(spec.path, ctx.modelRoots)
      : isHubUri(ref)
        ? await locateFile(ref, { kind: 'model', roots: ctx.modelRoots, hub: { ...defaultHubOptions(), ...ctx.hub, signal: ctx.signal }, sha256: spec.sha256 })
        : await download(ref, ctx);
  const sha256 = await fileSha256(path, ctx.cacheDir);
  if (spec.sha256 && spec.sha256 !== sha256) {
    throw new DomainException(ErrorCode.InvalidInput, `model file ${path} has sha256 ${sha256}, expected ${spec.sha256}`);
  }
  return { path, sha256 };
}

/** A model path, confined to the model folders (no `..`, no absolute path or symlink out of them). */
async function localModel(path: string, roots: readonly string[]): Promise<string> {
  const found = await confinedModelPath(roots, path);
  const searched = isAbsolute(path) ? [] : [...roots];
  if (!found) throw new DomainException(ErrorCode.MissingResource, missingFileMessage('model', path, searched), { path, searched });
  return found;
}

async function download(url: string, ctx: ModelFileContext): Promise<string> {
  const dir = join(ctx.cacheDir, 'models', createHash('sha256').update(url).digest('hex').slice(0, 16));
  const dest = join(dir, basename(url.split('@')[0]) || 'model.gguf');
  try {
    await stat(dest);
    return dest;
  } catch {
    /* not cached */
  }
  await mkdir(dir, { recursive: true });
  let body: Readable | null;
  if (url.startsWith('s3://')) {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
    if (!m || !ctx.openS3) throw new DomainException(ErrorCode.InvalidInput, `cannot read ${url}`);
    body = await ctx.openS3(m[1], m[2]);
    if (!body) throw new DomainException(ErrorCode.MissingResource, `model object not found: ${url}`);
  } else {
    let res: Response;
    try {
      res = await fetchConfined(url, ctx.policy, { signal: ctx.signal });
    } catch (err) {
      if (err instanceof DomainException) throw err;
      throw new DomainException(ErrorCode.Transient, `download of ${url} failed: ${(err as Error).message}`);
    }
    if (res.status === 404) throw new DomainException(ErrorCode.MissingResource, `model not found at ${url} (404)`);
    if (!res.ok || !res.body) throw new DomainException(ErrorCode.Transient, `download of ${url} failed: HTTP ${res.status}`);
    body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  }
  const tmp = `${dest}.part-${process.pid}`;
  await pipeline(body, createWriteStream(tmp), { signal: ctx.signal });
  await rename(tmp, dest);
  return dest;
}
