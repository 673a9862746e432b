import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainException, ErrorCode } from '@app/contracts';
import { hubFile, HubOptions } from '../hub/hf-download';
import { locateFile, missingFileMessage } from '../locate-file';
import { DownloadProgress } from '../progress';
import { FakeHub, gitBlobSha1, sha256Hex } from '../testing/fake-hub';

// A model file large enough to be stored with LFS (served from the CDN), and a small one kept in git.
const GGUF_V1 = Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(300_000, 1)]);
const GGUF_V2 = Buffer.concat([Buffer.from('GGUF'), Buffer.alloc(300_000, 2)]);
const README = Buffer.from('# tiny model\n');
const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);

describe('Hugging Face Hub downloads (against a loopback Hub that answers like huggingface.co)', () => {
  let hub: FakeHub;
  let cacheDir: string;
  const opts = (extra: Partial<HubOptions> = {}): HubOptions => ({ endpoint: hub.endpoint, cacheDir, ...extra });
  const repoDir = () => join(cacheDir, 'models--owner--tiny');
  const cdnHits = () => hub.requests.filter((r) => r.server === 'cdn').length;
  const leftovers = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.incomplete') || n.endsWith('.tmp')) : []);

  beforeEach(async () => {
    hub = await FakeHub.start();
    cacheDir = mkdtempSync(join(tmpdir(), 'hf-cache-'));
    hub.addRepo({
      id: 'owner/tiny',
      refs: { main: C2, v1: C1 },
      commits: { [C1]: { 'model.gguf': GGUF_V1, 'README.md': README }, [C2]: { 'model.gguf': GGUF_V2, 'README.md': README } },
    });
  });
  afterEach(() => hub.stop());

  it('downloads an LFS file into the huggingface_hub cache layout, with progress, and serves it from there afterwards', async () => {
    const events: DownloadProgress[] = [];
    const f = await hubFile('hf://owner/tiny/model.gguf', opts({ onProgress: (p) => events.push(p) }));
    expect(f).toMatchObject({ path: join(repoDir(), 'snapshots', C2, 'model.gguf'), commit: C2, fromCache: false });
    expect(readFileSync(f.path).equals(GGUF_V2)).toBe(true);
    expect(lstatSync(f.path).isSymbolicLink()).toBe(true);
    expect(readlinkSync(f.path)).toBe(join('..', '..', 'blobs', sha256Hex(GGUF_V2)));
    expect(readFileSync(join(repoDir(), 'refs', 'main'), 'utf8')).toBe(C2);
    expect(events[0]).toMatchObject({ phase: 'start', uri: 'hf://owner/tiny/model.gguf', receivedBytes: 0, totalBytes: GGUF_V2.length });
    expect(events.at(-1)).toMatchObject({ phase: 'done', receivedBytes: GGUF_V2.length });
    expect(events.filter((e) => e.phase === 'data').length).toBeGreaterThan(0);
    expect(cdnHits()).toBe(1);
    expect(leftovers(join(repoDir(), 'blobs'))).toEqual([]);

    const again = await hubFile('hf://owner/tiny/model.gguf', opts());
    expect(again).toMatchObject({ path: f.path, fromCache: true });
    expect(cdnHits()).toBe(1);
  });

  it('serves a cached file with no network at all (Hub down), by branch through refs/ or by commit', async () => {
    const first = await hubFile('hf://owner/tiny/model.gguf', opts());
    const down = { endpoint: hub.endpoint, cacheDir };
    await hub.stop();
    const offline = await hubFile('hf://owner/tiny/model.gguf', down);
    expect(offline).toMatchObject({ path: first.path, fromCache: true, commit: C2 });
    expect(await hubFile(`hf://owner/tiny/model.gguf@${C2}`, down)).toMatchObject({ path: first.path, fromCache: true });
    const e = await hubFile('hf://owner/tiny/README.md', down).catch((x: DomainException) => x);
    expect(e).toMatchObject({ code: ErrorCode.Transient });
    expect((e as DomainException).message).toMatch(/could not be reached \(ECONNREFUSED\)/);
    hub = await FakeHub.start(); // for afterEach
  });

  it('reuses files huggingface_hub downloaded (its layout, written by hand here), without downloading', async () => {
    const folder = join(cacheDir, 'models--owner--tiny');
    mkdirSync(join(folder, 'blobs'), { recursive: true });
    mkdirSync(join(folder, 'snapshots', C2), { recursive: true });
    mkdirSync(join(folder, 'refs'), { recursive: true });
    writeFileSync(join(folder, 'blobs', sha256Hex(GGUF_V2)), GGUF_V2);
    symlinkSync(join('..', '..', 'blobs', sha256Hex(GGUF_V2)), join(folder, 'snapshots', C2, 'model.gguf'));
    writeFileSync(join(folder, 'refs', 'main'), C2);
    const f = await hubFile('hf://owner/tiny/model.gguf', opts());
    expect(f).toMatchObject({ path: join(folder, 'snapshots', C2, 'model.gguf'), fromCache: true });
    expect(cdnHits()).toBe(0);
  });

  it('pins revisions: a tag, a commit, or @revision after the repository', async () => {
    const v1 = await hubFile('hf://owner/tiny/model.gguf@v1', opts());
    expect(v1.commit).toBe(C1);
    expect(readFileSync(v1.path).equals(GGUF_V1)).toBe(true);
    expect(readFileSync(join(repoDir(), 'refs', 'v1'), 'utf8')).toBe(C1);
    const main = await hubFile('hf://owner/tiny@main/model.gguf', opts());
    expect(readFileSync(main.path).equals(GGUF_V2)).toBe(true);
    const before = hub.requests.length;
    expect(await hubFile(`hf://owner/tiny/model.gguf@${C1}`, opts())).toMatchObject({ path: v1.path, fromCache: true });
    expect(hub.requests.length).toBe(before); // a cached commit needs no request at all
  });

  it('a small file kept in git comes from the Hub itself and is checked against its git blob id', async () => {
    const f = await hubFile('hf://owner/tiny/README.md', opts());
    expect(readFileSync(f.path, 'utf8')).toBe('# tiny model\n');
    expect(existsSync(join(repoDir(), 'blobs', gitBlobSha1(README)))).toBe(true);
    expect(cdnHits()).toBe(0);
  });

  it('refuses a wrong sha256 and keeps nothing under the final name: before downloading an LFS file, after downloading another', async () => {
    const wrong = 'c'.repeat(64);
    const lfs = await hubFile('hf://owner/tiny/model.gguf', opts({ sha256: wrong } as Partial<HubOptions>)).catch((x: DomainException) => x);
    expect(lfs).toMatchObject({ code: ErrorCode.InvalidInput });
    expect((lfs as Error).message).toContain(`the Hub lists it with sha256 ${sha256Hex(GGUF_V2)}, expected ${wrong}`);
    expect(cdnHits()).toBe(0);
    expect(existsSync(join(repoDir(), 'snapshots', C2, 'model.gguf'))).toBe(false);

    const git = await hubFile('hf://owner/tiny/README.md', opts({ sha256: wrong } as Partial<HubOptions>)).catch((x: DomainException) => x);
    expect(git).toMatchObject({ code: ErrorCode.InvalidInput });
    expect((git as Error).message).toContain(`the downloaded file has sha256 ${sha256Hex(README)}`);
    expect(existsSync(join(repoDir(), 'blobs', gitBlobSha1(README)))).toBe(false);
    expect(existsSync(join(repoDir(), 'snapshots', C2, 'README.md'))).toBe(false);
    expect(leftovers(join(repoDir(), 'blobs'))).toEqual([]);

    const right = await hubFile('hf://owner/tiny/model.gguf', opts({ sha256: sha256Hex(GGUF_V2) } as Partial<HubOptions>));
    expect(readFileSync(right.path).equals(GGUF_V2)).toBe(true);
  });

  it('refuses bytes that do not match the Hub ETag (corrupted in transit), keeping nothing', async () => {
    hub.corruptNext = true;
    const e = await hubFile('hf://owner/tiny/model.gguf', opts()).catch((x: DomainException) => x);
    expect(e).toMatchObject({ code: ErrorCode.Transient });
    expect((e as Error).message).toContain("does not match the Hub's ETag");
    expect(existsSync(join(repoDir(), 'blobs', sha256Hex(GGUF_V2)))).toBe(false);
    expect(leftovers(join(repoDir(), 'blobs'))).toEqual([]);
  });

  it('an interrupted download (the CDN drops the connection) leaves nothing usable, and the retry succeeds', async () => {
    hub.dropNextAfterBytes = 100_000;
    const e = await hubFile('hf://owner/tiny/model.gguf', opts()).catch((x: DomainException) => x);
    expect(e).toMatchObject({ code: ErrorCode.Transient });
    expect((e as Error).message).toMatch(/was interrupted after \d+ of 300004 bytes/);
    expect(existsSync(join(repoDir(), 'snapshots', C2, 'model.gguf'))).toBe(false);
    expect(existsSync(join(repoDir(), 'blobs', sha256Hex(GGUF_V2)))).toBe(false);
    expect(leftovers(join(repoDir(), 'blobs'))).toEqual([]);

    const retry = await hubFile('hf://owner/tiny/model.gguf', opts());
    expect(readFileSync(retry.path).equals(GGUF_V2)).toBe(true);
    expect(cdnHits()).toBe(2);
  });

  it('says what is wrong: no such file, revision or repository; a gated repository; HF_TOKEN sent to the Hub, never to the CDN', async () => {
    const reason = async (uri: string, extra: Partial<HubOptions> = {}) => {
      const e = await hubFile(uri, opts(extra)).catch((x: DomainException) => x);
      expect(e).toBeInstanceOf(DomainException);
      return { code: (e as DomainException).code, message: (e as Error).message };
    };
    expect(await reason('hf://owner/tiny/nope.gguf')).toEqual({
      code: ErrorCode.MissingResource,
      message: 'hf://owner/tiny/nope.gguf: the repository owner/tiny has no file nope.gguf at revision main (404 EntryNotFound)',
    });
    expect((await reason('hf://owner/tiny/model.gguf@v9')).message).toContain('has no revision v9 (404 RevisionNotFound)');
    expect((await reason('hf://owner/ghost/model.gguf')).message).toContain(
      `the repository owner/ghost was not found on ${hub.endpoint}, or it is private and HF_TOKEN does not give access to it (401 RepoNotFound)`,
    );

    hub.addRepo({ id: 'meta/gated', refs: { main: C1 }, commits: { [C1]: { 'model.gguf': GGUF_V1 } }, gated: true, token: 'hf_secret' });
    const gated = await reason('hf://meta/gated/model.gguf');
    expect(gated.code).toBe(ErrorCode.MissingResource);
    expect(gated.message).toContain('the repository meta/gated is gated: accept its conditions on its Hub page, then set HF_TOKEN to a token of that account (401 GatedRepo)');
    expect((await reason('hf://meta/gated/model.gguf', { token: 'hf_wrong' })).message).toContain('(403 GatedRepo)');

    hub.requests.length = 0;
    const ok = await hubFile('hf://meta/gated/model.gguf', opts({ token: 'hf_secret' }));
    expect(readFileSync(ok.path).equals(GGUF_V1)).toBe(true);
    expect(hub.requests.filter((r) => r.server === 'hub').every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
    expect(hub.requests.filter((r) => r.server === 'cdn').map((r) => r.authorization)).toEqual([undefined]);
  });

  it('follows a renamed repository (relative redirect) and caches datasets under datasets--owner--name', async () => {
    hub.addRepo({ id: 'datasets/org/qa', renamedFrom: 'datasets/old/qa', refs: { main: C1 }, commits: { [C1]: { 'data/test.jsonl': '{"q":1}\n' } } });
    const f = await hubFile('hf://datasets/old/qa/data/test.jsonl', opts());
    expect(readFileSync(f.path, 'utf8')).toBe('{"q":1}\n');
    expect(f.path).toBe(join(cacheDir, 'datasets--old--qa', 'snapshots', C1, 'data', 'test.jsonl'));
    expect(hub.requests.map((r) => r.path)).toContain('/datasets/org/qa/resolve/main/data/test.jsonl');
  });

  it('locateFile: one message for a file that can be neither found nor downloaded', async () => {
    const roots = [join(cacheDir, 'models-a'), join(cacheDir, 'models-b')];
    const local = await locateFile('ghost.gguf', { kind: 'model', roots, hub: opts() }).catch((x: DomainException) => x);
    expect(local).toMatchObject({ code: ErrorCode.MissingResource, message: missingFileMessage('model', 'ghost.gguf', roots) });
    expect((local as Error).message).toBe(
      `model file ghost.gguf was not found in ${roots.join(', ')}. Provide it either way: put the file in DENSEBENCH_MODELS_DIR (a folder searched first), ` +
        'or name it by an hf:// path (hf://<owner>/<repo>/<file>.gguf) so that it downloads from Hugging Face on first use.',
    );
    const remote = await locateFile('hf://owner/tiny/nope.gguf', { kind: 'model', roots, hub: opts() }).catch((x: DomainException) => x);
    expect((remote as Error).message).toBe(
      `model file hf://owner/tiny/nope.gguf was not found in the Hugging Face cache ${cacheDir} and could not be downloaded: ` +
        'the repository owner/tiny has no file nope.gguf at revision main (404 EntryNotFound). Provide it either way: put the file in ' +
        'DENSEBENCH_MODELS_DIR (a folder searched first), or let it download from Hugging Face (the Hub reachable, HF_ENDPOINT for a mirror, HF_TOKEN for a gated or private repository).',
    );
    expect(await locateFile('hf://owner/tiny/README.md', { kind: 'model', roots, hub: opts() })).toBe(join(repoDir(), 'snapshots', C2, 'README.md'));
  });
});
