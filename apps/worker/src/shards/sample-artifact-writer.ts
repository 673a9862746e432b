import { once } from 'node:events';
import { createGzip, Gzip } from 'node:zlib';
import { SampleArtifactMeta, SampleRecord } from '@app/contracts';
import { ArtifactStore, StoredObject } from '@app/storage';

/**
 * Streams per-sample records as gzipped JSONL into S3. The object appears only when finish()
 * completes (multipart upload), so a shard's artifact is either whole or absent.
 */
export class SampleArtifactWriter {
  private readonly gzip: Gzip;
  private readonly upload: Promise<StoredObject>;
  private written = 0;

  constructor(
    store: ArtifactStore,
    readonly key: string,
    private readonly meta: SampleArtifactMeta,
  ) {
    this.gzip = createGzip({ level: 6 });
    this.upload = store.putStream(key, this.gzip, {
      contentType: 'application/gzip',
      metadata: meta as unknown as Record<string, string>,
    });
    // Surface upload errors on the next write instead of as an unhandled rejection.
    this.upload.catch(() => undefined);
  }

  async write(record: SampleRecord): Promise<void> {
    if (!this.gzip.write(`${JSON.stringify(record)}\n`)) await once(this.gzip, 'drain');
    this.written++;
  }

  async finish(): Promise<StoredObject> {
    const expected = Number(this.meta.samples);
    if (this.written !== expected) {
      const err = new Error(`artifact ${this.key}: wrote ${this.written} samples, expected ${expected}`);
      this.abort(err);
      throw err;
    }
    this.gzip.end();
    return this.upload;
  }

  abort(err: Error): void {
    this.gzip.destroy(err);
  }
}
