import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// s3rver has no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- s3rver ships no type declarations
const FilesystemStore = require('s3rver/lib/stores/filesystem') as new (root: string) => S3rverStore;

interface S3rverStore {
  rootDirectory: string;
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
}

interface PutObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

/**
 * s3rver's folder store, with writes that never show a partial object. s3rver writes an object in place
 * (and answers before its file is even closed): a reader could get a truncated artifact, or the new
 * metadata over the old bytes. Here the body goes to a temporary file beside the store (outside every
 * bucket, so listings never see it), then the metadata, then one rename puts the whole object in place.
 * Readers see the old object or the new one; an interrupted upload leaves only a temporary file.
 */
export class AtomicFilesystemStore extends FilesystemStore {
  private readonly tmpDir: string;

  constructor(root: string) {
    super(root);
    this.tmpDir = `${root.replace(/\/+$/, '')}.tmp`;
  }

  async putObject(object: PutObject): Promise<{ size: number; md5: string }> {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    await Promise.all([mkdir(dirname(objectPath), { recursive: true }), mkdir(this.tmpDir, { recursive: true })]);
    const tmp = join(this.tmpDir, randomUUID());
    const hash = createHash('md5');
    let size = 0;
    try {
      const body = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      // pipeline resolves once the file is closed, i.e. whole on disk.
      await pipeline(body, counter, createWriteStream(tmp));
      const md5 = hash.digest('hex');
      await this.putMetadata(object.bucket, object.key, object.metadata, md5);
      await rename(tmp, objectPath);
      return { size, md5 };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
}

