import { DomainException, ErrorCode } from '@app/contracts';

export type RepoType = 'model' | 'dataset';

/** One file of a Hugging Face Hub repository at a revision (branch, tag or commit). */
export interface HubFileRef {
  /** As written, for messages. */
  uri: string;
  repoType: RepoType;
  /** owner/name */
  repoId: string;
  revision: string;
  /** Path inside the repository, '/'-separated. */
  path: string;
}

const NAME = '[A-Za-z0-9][\\w.-]*';
// A legacy dataset id without an owner (hellaswag) is told from a folder by the @revision after it.
const DATASET = new RegExp(`^hf://datasets/(${NAME}/${NAME}|${NAME}(?=@))(?:@([^/]+))?/(.+)$`);
const MODEL = new RegExp(`^hf://(${NAME}/${NAME})(?:@([^/]+))?/(.+?)(?:@([^/@]+))?$`);

export const isHubUri = (s: string): boolean => s.startsWith('hf://');

/**
 * Parses hf://datasets/<owner>/<name>[@revision]/<path> (a dataset file; hf://datasets/<name>@<revision>/<path>
 * for a legacy dataset without an owner) and
 * hf://<owner>/<repo>/<path>[@revision] or hf://<owner>/<repo>@<revision>/<path> (a model file).
 * A revision may be percent-encoded (refs%2Fconvert%2Fparquet); `revision` applies when the URI has none.
 */
export function parseHubUri(uri: string, revision = 'main'): HubFileRef {
  const isDataset = uri.startsWith('hf://datasets/');
  const d = isDataset ? DATASET.exec(uri) : null;
  const m = isDataset ? null : MODEL.exec(uri);
  const parts = d ? { repoType: 'dataset' as const, repoId: d[1], rev: d[2], path: d[3] } : m && { repoType: 'model' as const, repoId: m[1], rev: m[2] ?? m[4], path: m[3] };
  if (!parts || (m && m[2] && m[4])) {
    throw new DomainException(
      ErrorCode.InvalidInput,
      `malformed Hugging Face path ${uri}: expected hf://<owner>/<repo>/<file>[@revision] (a model) or hf://datasets/<owner>/<name>[@revision]/<file> (a dataset)`,
      { uri },
    );
  }
  const rev = parts.rev ? decodeURIComponent(parts.rev) : revision;
  // Both become folders of the cache: nothing may step out of it.
  if (!insideFolder(parts.path) || !insideFolder(rev)) {
    throw new DomainException(ErrorCode.InvalidInput, `Hugging Face path ${uri} names no file inside its repository`, { uri });
  }
  return { uri, repoType: parts.repoType, repoId: parts.repoId, revision: rev, path: parts.path };
}

const insideFolder = (p: string) => p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !s.includes('\\'));

/** The Hub's "resolve" URL of a file (what huggingface_hub's hf_hub_url builds). */
export function resolveUrl(endpoint: string, ref: HubFileRef): string {
  const prefix = ref.repoType === 'dataset' ? 'datasets/' : '';
  const path = ref.path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${prefix}${ref.repoId}/resolve/${encodeURIComponent(ref.revision)}/${path}`;
}
