import { once } from 'node:events';
import { createGzip, Gzip } from 'node:zlib';
import { copyLine, SampleArtifactMeta, SampleRecord } from '@app/contracts';
import { ArtifactStore, artifactKeys, StoredObject } from '@app/storage';

/**
 * Streams per-sample records as gzipped JSONL into S3. The object appears only when finish()
 * completes (multipart upload), so a shard's artifact is either whole or absent.
 *
 * Beside it, the same samples as rows of the samples table (COPY text, gzipped, a few dozen bytes a
 * sample) for the results service to COPY without parsing JSON. They are stored after the JSONL, with
 * its size in their metadata, so rows present means the JSONL is stored.
 */
export class SampleArtifactWriter {
  private readonly gzip: Gzip;
  private readonly upload: Promise<StoredObject>;
  private readonly rows: Gzip;
  private readonly rowChunks: Buffer[] = [];
  private written = 0;

  constructor(
    private readonly store: ArtifactStore,
    readonly key: string,
    private readonly meta: SampleArtifactMeta,
  ) {
    this.rows = createGzip({ level: 1 });
    this.rows.on('data', (chunk: Buffer) => this.rowChunks.push(chunk));
    // Level 1: several times faster than the default 6 for JSONL this repetitive, at a slightly larger object.
    this.gzip = createGzip({ level: 1 });
    this.upload = store.putStream(key, this.gzip, {
      contentType: 'application/gzip',
      metadata: meta as unknown as Record<string, string>,
    });
    // Surface upload errors on the next write instead of as an unhandled rejection.
    this.upload.catch(() => undefined);
  }

  async write(record: SampleRecord): Promise<void> {
    this.rows.write(copyLine(this.meta['run-id'], this.meta['shard-id'], record));
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
    const rowsDone = once(this.rows, 'end');
    this.rows.end();
    const [samples] = await Promise.all([this.upload, rowsDone]);
    const rowsKey = artifactKeys.shardRows(this.meta['run-id'], this.meta.benchmark, this.meta['shard-id']);
    await this.store.putBuffer(rowsKey, Buffer.concat(this.rowChunks), 'application/gzip', {
      ...(this.meta as unknown as Record<string, string>),
      'samples-bytes': String(samples.sizeBytes),
    });
    return samples;
  }

  abort(err: Error): void {
    this.gzip.destroy(err);
    this.rows.destroy();
  }
}
