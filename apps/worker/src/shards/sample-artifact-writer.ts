import { once } from 'node:events';
import { promisify } from 'node:util';
import { createGzip, gzip, Gzip } from 'node:zlib';
import { copyLine, SampleArtifactMeta, SampleRecord } from '@app/contracts';
import { ArtifactStore, artifactKeys, StoredObject } from '@app/storage';

const gzipAsync = promisify(gzip);

/**
 * JSONL handed to gzip per write, and gzip's output chunk: large enough that deflate's per-call overhead and
 * zlib's main-thread callbacks per output chunk stay small beside the compression itself (BENCHMARKS.md item 4).
 */
const CHUNK_CHARS = 64 * 1024;

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
  /** JSONL lines not yet handed to gzip, and their length in characters. */
  private pending: string[] = [];
  private pendingChars = 0;
  /** COPY rows, compressed in one call at the end (a shard's rows are ~100 bytes a sample). */
  private readonly rows: string[] = [];
  private written = 0;

  constructor(
    private readonly store: ArtifactStore,
    readonly key: string,
    private readonly meta: SampleArtifactMeta,
  ) {
    // Level 1: several times faster than the default 6 for JSONL this repetitive, at a slightly larger object.
    this.gzip = createGzip({ level: 1, chunkSize: CHUNK_CHARS });
    this.upload = store.putStream(key, this.gzip, {
      contentType: 'application/gzip',
      metadata: meta as unknown as Record<string, string>,
    });
    // Surface upload errors on the next write instead of as an unhandled rejection.
    this.upload.catch(() => undefined);
  }

  async write(record: SampleRecord): Promise<void> {
    this.rows.push(copyLine(this.meta['run-id'], this.meta['shard-id'], record));
    const line = `${JSON.stringify(record)}\n`;
    this.pending.push(line);
    this.pendingChars += line.length;
    this.written++;
    if (this.pendingChars >= CHUNK_CHARS) await this.flush();
  }

  /** Stores the rows object once the JSONL is stored; returns both (the rows gzipped, for the handoff). */
  async finish(): Promise<{ samples: StoredObject; rows: Buffer }> {
    const expected = Number(this.meta.samples);
    if (this.written !== expected) {
      const err = new Error(`artifact ${this.key}: wrote ${this.written} samples, expected ${expected}`);
      this.abort(err);
      throw err;
    }
    await this.flush();
    this.gzip.end();
    const [samples, rows] = await Promise.all([this.upload, gzipAsync(this.rows.join(''), { level: 1 })]);
    const rowsKey = artifactKeys.shardRows(this.meta['run-id'], this.meta.benchmark, this.meta['shard-id']);
    await this.store.putBuffer(rowsKey, rows, 'application/gzip', {
      ...(this.meta as unknown as Record<string, string>),
      'samples-bytes': String(samples.sizeBytes),
    });
    return { samples, rows };
  }

  abort(err: Error): void {
    this.pending = [];
    this.gzip.destroy(err);
  }

  /** Hands the pending lines to gzip as one chunk; waits when gzip (i.e. the upload) is behind. */
  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    // A failed upload stops reading the body, so it would never drain: its error ends the wait instead.
    if (!this.gzip.write(chunk)) await Promise.race([once(this.gzip, 'drain'), this.upload]);
  }
}
