import type { HubFileRef } from './hf-uri';
import { resolveUrl } from './hf-uri';

export interface HubAccess {
  /** https://huggingface.co, or a mirror (HF_ENDPOINT). */
  endpoint: string;
  /** Sent as a bearer token to the Hub (HF_TOKEN); never to a CDN on another origin. */
  token?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/** What the Hub says about a file at a revision (huggingface_hub's HfFileMetadata). */
export interface HubFileMetadata {
  commit: string;
  /** sha256 of an LFS file, else the git blob sha1. */
  etag: string;
  size?: number;
  /** Where the bytes are: the resolve URL itself, or a CDN URL it redirects to. */
  location: string;
}

/** Why a file could not be had from the Hub. */
export interface HubFailure {
  reason: string;
  /** The Hub said the file or revision does not exist: a cached copy must not stand in for it. */
  definitive: boolean;
  retryable: boolean;
}

export type MetadataResult = { ok: true; meta: HubFileMetadata } | { ok: false; failure: HubFailure };

const HEAD_TIMEOUT_MS = 10_000;
const MAX_RELATIVE_REDIRECTS = 5;

/**
 * HEAD on the resolve URL, as huggingface_hub does: relative redirects (a renamed repository) are
 * followed, a redirect to another host (the CDN serving LFS files) is not — its headers carry the
 * metadata and its Location is where to download from.
 */
export async function fileMetadata(ref: HubFileRef, access: HubAccess): Promise<MetadataResult> {
  let url = resolveUrl(access.endpoint, ref);
  for (let hops = 0; ; hops++) {
    let res: Response;
    try {
      res = await (access.fetch ?? fetch)(url, {
        method: 'HEAD',
        redirect: 'manual',
        headers: { ...authHeader(access, url), 'accept-encoding': 'identity' },
        signal: anySignal(access.signal, AbortSignal.timeout(HEAD_TIMEOUT_MS)),
      });
    } catch (err) {
      if (access.signal?.aborted) throw err;
      return fail(`${access.endpoint} could not be reached (${causeOf(err)})`, { retryable: true });
    }
    const location = res.headers.get('location');
    const redirect = res.status >= 300 && res.status < 400 && location;
    if (redirect && !/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && hops < MAX_RELATIVE_REDIRECTS) {
      url = new URL(location, url).toString();
      continue;
    }
    if (!res.ok && !redirect) return { ok: false, failure: httpFailure(res, ref, access.endpoint) };
    const commit = res.headers.get('x-repo-commit');
    const etag = normalizeEtag(res.headers.get('x-linked-etag') ?? res.headers.get('etag'));
    if (!commit || !etag) {
      return fail(`${access.endpoint} did not answer like a Hugging Face Hub (no X-Repo-Commit or ETag header for ${url})`, { retryable: false });
    }
    const size = Number(res.headers.get('x-linked-size') ?? res.headers.get('content-length') ?? NaN);
    return { ok: true, meta: { commit, etag, size: Number.isFinite(size) ? size : undefined, location: location ? new URL(location, url).toString() : url } };
  }
}

/** The Hub's error codes (X-Error-Code) turned into what the user can do about them. */
export function httpFailure(res: Response, ref: HubFileRef, endpoint: string): HubFailure {
  const code = res.headers.get('x-error-code');
  const status = `${res.status}${code ? ` ${code}` : ''}`;
  const repo = `${ref.repoType === 'dataset' ? 'dataset ' : ''}repository ${ref.repoId}`;
  if (code === 'EntryNotFound') return { reason: `the ${repo} has no file ${ref.path} at revision ${ref.revision} (${status})`, definitive: true, retryable: false };
  if (code === 'RevisionNotFound') return { reason: `the ${repo} has no revision ${ref.revision} (${status})`, definitive: true, retryable: false };
  if (code === 'GatedRepo') {
    return { reason: `the ${repo} is gated: accept its conditions on its Hub page, then set HF_TOKEN to a token of that account (${status})`, definitive: false, retryable: false };
  }
  if (code === 'RepoNotFound' || res.status === 401 || res.status === 403) {
    return { reason: `the ${repo} was not found on ${endpoint}, or it is private and HF_TOKEN does not give access to it (${status})`, definitive: false, retryable: false };
  }
  if (res.status === 404) return { reason: `${endpoint} has no ${ref.path} in the ${repo} (${status})`, definitive: false, retryable: false };
  return { reason: `${endpoint} answered HTTP ${status}`, definitive: false, retryable: res.status === 429 || res.status >= 500 };
}

export function authHeader(access: HubAccess, url: string): Record<string, string> {
  if (!access.token || new URL(url).origin !== new URL(access.endpoint).origin) return {};
  return { authorization: `Bearer ${access.token}` };
}

/** huggingface_hub's _normalize_etag: no weak marker, no quotes. */
const normalizeEtag = (etag: string | null): string | undefined => etag?.replace(/^W\//, '').replace(/^"|"$/g, '') || undefined;

const fail = (reason: string, o: { retryable: boolean }): MetadataResult => ({ ok: false, failure: { reason, definitive: false, retryable: o.retryable } });

export const anySignal = (...signals: Array<AbortSignal | undefined>): AbortSignal => AbortSignal.any(signals.filter((s): s is AbortSignal => Boolean(s)));

/** fetch's "fetch failed" hides the reason in `cause`. */
export function causeOf(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
