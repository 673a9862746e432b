import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { HubFileRef } from './hf-uri';

/**
 * huggingface_hub's cache layout, so that files either tool downloaded serve the other:
 *   <cache>/<models|datasets>--<owner>--<name>/
 *     refs/<revision>                the commit a branch or tag pointed at when last resolved
 *     blobs/<etag>                   file contents, named by the Hub's ETag (sha256 for LFS files, else the git blob sha1)
 *     snapshots/<commit>/<path>      a relative symlink to the blob
 */
export class HubCacheRepo {
  readonly folder: string;

  constructor(
    cacheDir: string,
    readonly ref: HubFileRef,
  ) {
    this.folder = join(cacheDir, `${ref.repoType}s--${ref.repoId.split('/').join('--')}`);
  }

  snapshot(commit: string): string {
    return join(this.folder, 'snapshots', commit, ...this.ref.path.split('/'));
  }

  blob(etag: string): string {
    return join(this.folder, 'blobs', etag);
  }

  /** A file of its own beside the blob to download into, renamed onto the blob once verified. */
  incomplete(etag: string): string {
    return `${this.blob(etag)}.${randomBytes(6).toString('hex')}.incomplete`;
  }

  /** The cached file for the ref's revision, without any network: a commit's snapshot, or the one refs/ names. */
  async cachedFile(): Promise<string | undefined> {
    const commit = isCommitHash(this.ref.revision) ? this.ref.revision : await this.readRef();
    if (!commit) return undefined;
    const path = this.snapshot(commit);
    return (await exists(path)) ? path : undefined;
  }

  async readRef(): Promise<string | undefined> {
    try {
      return (await readFile(join(this.folder, 'refs', this.ref.revision), 'utf8')).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Remembers which commit a branch or tag resolved to (what lets a later lookup work offline). */
  async writeRef(commit: string): Promise<void> {
    if (isCommitHash(this.ref.revision) || (await this.readRef()) === commit) return;
    await writeAtomically(join(this.folder, 'refs', this.ref.revision), commit);
  }

  /** Points snapshots/<commit>/<path> at the blob (a relative symlink, or a copy where symlinks fail). */
  async link(commit: string, etag: string): Promise<string> {
    const pointer = this.snapshot(commit);
    const blob = this.blob(etag);
    await mkdir(dirname(pointer), { recursive: true });
    const tmp = `${pointer}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await symlink(relative(dirname(pointer), blob), tmp);
    } catch {
      await copyFile(blob, tmp);
    }
    await rename(tmp, pointer);
    return pointer;
  }

  /** Deletes downloads of this blob that were abandoned (a killed process), leaving live ones alone. */
  async removeStaleIncomplete(etag: string, olderThanMs = 10 * 60_000): Promise<void> {
    const dir = join(this.folder, 'blobs');
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.startsWith(`${etag}.`) && n.endsWith('.incomplete'))) {
      const st = await stat(join(dir, name)).catch(() => null);
      if (st && Date.now() - st.mtimeMs > olderThanMs) await unlink(join(dir, name)).catch(() => undefined);
    }
  }
}

export const isCommitHash = (s: string): boolean => /^[0-9a-f]{40}$/.test(s);

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomically(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
