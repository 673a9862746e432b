import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { DomainException, ErrorCode } from '@app/contracts';
import { hubFile, HubOptions } from './hub/hf-download';
import { isHubUri } from './hub/hf-uri';

export type FileKind = 'data' | 'model';

export interface LocateOptions {
  kind: FileKind;
  /** Folders a relative path is looked up in, in order (PathsConfig's dataRoots / modelRoots). */
  roots: readonly string[];
  hub: HubOptions;
  /** hf:// only: the revision when the URI names none, and the sha256 the file must have. */
  revision?: string;
  sha256?: string;
}

/** The first root holding the file (or, with `folder`, the folder) `rel`; an absolute path stands for itself. */
export async function findInRoots(roots: readonly string[], rel: string, want: 'file' | 'folder' = 'file'): Promise<string | undefined> {
  for (const path of isAbsolute(rel) ? [rel] : roots.map((r) => join(r, rel))) {
    if (await isA(want, path)) return path;
  }
  return undefined;
}

/**
 * A data or model file on local disk, from what names it: an absolute path, a path relative to the
 * search roots, or an hf:// URI (downloaded into the Hugging Face cache on first use). When the file
 * can be neither found nor downloaded, throws MissingResource (or Transient when the Hub may answer
 * later) with missingFileMessage.
 */
export async function locateFile(ref: string, o: LocateOptions): Promise<string> {
  if (isHubUri(ref)) {
    try {
      return (await hubFile(ref, { ...o.hub, revision: o.revision, sha256: o.sha256 })).path;
    } catch (err) {
      if (!(err instanceof DomainException) || !err.details?.hub) throw err;
      throw new DomainException(err.code, missingFileMessage(o.kind, ref, [`the Hugging Face cache ${o.hub.cacheDir}`], String(err.details.reason)), err.details);
    }
  }
  const found = await findInRoots(o.roots, ref);
  if (found) return found;
  const searched = isAbsolute(ref) ? [] : [...o.roots];
  throw new DomainException(ErrorCode.MissingResource, missingFileMessage(o.kind, ref, searched), { path: ref, searched });
}

const ENV = { data: 'DENSEBENCH_DATA_DIR', model: 'DENSEBENCH_MODELS_DIR' } as const;
const HF_EXAMPLE = { data: 'hf://datasets/<owner>/<name>/<file>', model: 'hf://<owner>/<repo>/<file>.gguf' } as const;

/**
 * The one message for a data or model file that can be neither found nor downloaded: what is
 * missing, where it was looked for, and the two ways to provide it.
 */
export function missingFileMessage(kind: FileKind, what: string, searched: readonly string[], reason?: string): string {
  const where = searched.length ? ` in ${searched.join(', ')}` : '';
  const why = reason ? ` and could not be downloaded: ${reason}` : '';
  const download = isHubUri(what)
    ? 'or let it download from Hugging Face (the Hub reachable, HF_ENDPOINT for a mirror, HF_TOKEN for a gated or private repository)'
    : `or name it by an hf:// path (${HF_EXAMPLE[kind]}) so that it downloads from Hugging Face on first use`;
  return `${kind} file ${what} was not found${where}${why}. Provide it either way: put the file in ${ENV[kind]} (a folder searched first), ${download}.`;
}

async function isA(want: 'file' | 'folder', path: string): Promise<boolean> {
  try {
    const st = await stat(path);
    return want === 'file' ? st.isFile() : st.isDirectory();
  } catch {
    return false;
  }
}
