/**
 * A Hugging Face Hub for tests, on loopback, answering the way huggingface.co does for file downloads:
 * HEAD/GET /<owner>/<repo>/resolve/<revision>/<path> (datasets under /datasets/…) with X-Repo-Commit
 * and ETag; LFS files answer 302 to a CDN on another origin with X-Linked-Etag (sha256) and
 * X-Linked-Size; errors carry X-Error-Code (RepoNotFound, RevisionNotFound, EntryNotFound, GatedRepo).
 * A renamed repository redirects relatively. Tests can make the CDN drop the connection mid-file or
 * serve corrupt bytes, and read every request made.
 *
 * Not part of any app: tests start it (FakeHub.start) in their own process.
 */
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeRepo {
  /** "owner/name"; datasets as "datasets/owner/name". */
  id: string;
  /** branch or tag → commit */
  refs: Record<string, string>;
  /** commit → path → content; files of at least lfsFrom bytes are LFS files. */
  commits: Record<string, Record<string, Buffer | string>>;
  /** Only with `Authorization: Bearer <token>` (gated repos answer GatedRepo, private ones RepoNotFound). */
  token?: string;
  gated?: boolean;
  /** Requests to this id redirect (relative Location) to `id`. */
  renamedFrom?: string;
}

export interface HubRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  authorization?: string;
}

export const gitBlobSha1 = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');
export const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export class FakeHub {
  readonly requests: HubRequest[] = [];
  /** The next CDN download sends this many bytes, then drops the connection. */
  dropNextAfterBytes?: number;
  /** The next CDN download sends other bytes than the file's. */
  corruptNext = false;
  private readonly repos = new Map<string, FakeRepo>();
  private readonly blobs = new Map<string, Buffer>();

  private constructor(
    private readonly hub: Server,
    private readonly cdn: Server,
    readonly lfsFrom: number,
  ) {}

  /** Two loopback servers: the Hub and its CDN (another origin, as in production). */
  static async start(opts: { lfsFrom?: number } = {}): Promise<FakeHub> {
    // The servers' handlers need the instance, which needs the servers.
    const ref: { self?: FakeHub } = {};
    const hub = createServer((req, res) => ref.self!.onHub(req, res));
    const cdn = createServer((req, res) => ref.self!.onCdn(req, res));
    const self = (ref.self = new FakeHub(hub, cdn, opts.lfsFrom ?? 1024));
    await Promise.all([listen(hub), listen(cdn)]);
    return self;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.hub.address() as AddressInfo).port}`;
  }

  private get cdnOrigin(): string {
    return `http://127.0.0.1:${(this.cdn.address() as AddressInfo).port}`;
  }

  addRepo(repo: FakeRepo): void {
    this.repos.set(repo.id, repo);
    if (repo.renamedFrom) this.repos.set(repo.renamedFrom, repo);
  }

  async stop(): Promise<void> {
    for (const s of [this.hub, this.cdn]) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  private onHub(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.endpoint);
    this.requests.push({ server: 'hub', method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization });
    const m = /^\/((?:datasets\/)?[^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!m) return end(res, 404, {});
    const [, id, rev, path] = m.map((x) => decodeURIComponent(x));
    const repo = this.repos.get(id);
    const auth = req.headers.authorization;
    if (!repo || (repo.token && !repo.gated && auth !== `Bearer ${repo.token}`)) {
      return end(res, auth ? 404 : 401, { 'x-error-code': 'RepoNotFound', 'x-error-message': 'Repository not found' });
    }
    if (repo.gated && auth !== `Bearer ${repo.token}`) {
      return end(res, auth ? 403 : 401, { 'x-error-code': 'GatedRepo', 'x-error-message': 'Access to this model is restricted' });
    }
    if (repo.renamedFrom === id) {
      return end(res, 307, { location: url.pathname.replace(`/${id}/`, `/${repo.id}/`) });
    }
    const commit = repo.refs[rev] ?? (repo.commits[rev] ? rev : undefined);
    if (!commit) return end(res, 404, { 'x-error-code': 'RevisionNotFound', 'x-error-message': 'Invalid rev id' });
    const content = repo.commits[commit][path];
    if (content === undefined) return end(res, 404, { 'x-error-code': 'EntryNotFound', 'x-error-message': 'Entry not found', 'x-repo-commit': commit });
    const bytes = Buffer.from(content);
    if (bytes.length >= this.lfsFrom) {
      const sha = sha256Hex(bytes);
      this.blobs.set(sha, bytes);
      return end(res, 302, {
        'x-repo-commit': commit,
        'x-linked-etag': `"${sha}"`,
        'x-linked-size': String(bytes.length),
        etag: `"${gitBlobSha1(Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha}\n`))}"`,
        location: `${this.cdnOrigin}/repos/${sha}?signed=1`,
      });
    }
    if (req.method !== 'HEAD' && sendRange(req, res, bytes)) return;
    res.writeHead(200, { 'x-repo-commit': commit, etag: `"${gitBlobSha1(bytes)}"`, 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  private onCdn(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.cdnOrigin);
    this.requests.push({ server: 'cdn', method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization });
    const bytes = this.blobs.get(url.pathname.replace('/repos/', ''));
    if (!bytes) return end(res, 403, {});
    if (sendRange(req, res, bytes)) return;
    res.writeHead(200, { 'content-length': bytes.length, 'content-type': 'application/octet-stream' });
    if (this.dropNextAfterBytes !== undefined) {
      const n = this.dropNextAfterBytes;
      this.dropNextAfterBytes = undefined;
      res.write(bytes.subarray(0, n), () => res.destroy());
      return;
    }
    if (this.corruptNext) {
      this.corruptNext = false;
      return void res.end(Buffer.from(bytes).fill(0x21, 0, 16));
    }
    res.end(bytes);
  }
}

/** A `Range: bytes=a-b` request answered with 206 and that slice, as the Hub and its CDN do; false when there is none. */
function sendRange(req: IncomingMessage, res: ServerResponse, bytes: Buffer): boolean {
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (!m) return false;
  const start = Number(m[1]);
  const last = Math.min(m[2] ? Number(m[2]) : bytes.length - 1, bytes.length - 1);
  if (start > last) {
    end(res, 416, { 'content-range': `bytes */${bytes.length}` });
    return true;
  }
  res.writeHead(206, { 'content-range': `bytes ${start}-${last}/${bytes.length}`, 'content-length': last - start + 1, 'content-type': 'application/octet-stream' });
  res.end(bytes.subarray(start, last + 1));
  return true;
}

function end(res: ServerResponse, status: number, headers: Record<string, string>): void {
  res.writeHead(status, headers);
  res.end();
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
}
