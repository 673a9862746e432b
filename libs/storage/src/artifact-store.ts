import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable, Transform } from 'node:stream';

export interface StoredObject {
  key: string;
  sizeBytes: number;
  contentType?: string;
  metadata: Record<string, string>;
}

export interface ObjectStream extends StoredObject {
  body: Readable;
}

const isNotFound = (err: unknown) =>
  err instanceof S3ServiceException &&
  (err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404);

/**
 * The one artifact store: per-sample JSONL, results, reports, cached datasets. Speaks the S3 protocol
 * to AWS S3, MinIO or the embedded S3 server alike. Large objects are streamed, never buffered whole.
 */
export class ArtifactStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /** Creates the bucket when it does not exist (idempotent). */
  async ensureBucket(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!isNotFound(err) && !(err instanceof S3ServiceException && err.$metadata?.httpStatusCode === 403)) throw err;
      try {
        await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (createErr) {
        const name = (createErr as Error).name;
        if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw createErr;
      }
    }
  }

  /**
   * Streams a body into an object with multipart upload; the object appears only when complete. Its
   * size is counted on the way through (no HEAD request after the upload).
   */
  async putStream(
    key: string,
    body: Readable,
    opts: { contentType: string; contentEncoding?: string; metadata?: Record<string, string> },
  ): Promise<StoredObject> {
    let sizeBytes = 0;
    const counted = body.pipe(
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          sizeBytes += chunk.length;
          done(null, chunk);
        },
      }),
    );
    // pipe() does not forward errors: a failed body must fail the upload, not leave it waiting.
    body.once('error', (err) => counted.destroy(err));
    const upload = new Upload({
      client: this.s3,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: counted,
        ContentType: opts.contentType,
        ContentEncoding: opts.contentEncoding,
        Metadata: opts.metadata,
      },
      queueSize: 2,
      partSize: 8 * 1024 * 1024,
    });
    await upload.done();
    return { key, sizeBytes, contentType: opts.contentType, metadata: opts.metadata ?? {} };
  }

  async putBuffer(key: string, body: Buffer | string, contentType: string, metadata?: Record<string, string>): Promise<StoredObject> {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: buf, ContentType: contentType, Metadata: metadata }),
    );
    return { key, sizeBytes: buf.length, contentType, metadata: metadata ?? {} };
  }

  async head(key: string): Promise<StoredObject | null> {
    try {
      const r = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, sizeBytes: r.ContentLength ?? 0, contentType: r.ContentType, metadata: r.Metadata ?? {} };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Opens a read stream; null when the object does not exist. */
  async getStream(key: string): Promise<ObjectStream | null> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        body: r.Body as Readable,
        sizeBytes: r.ContentLength ?? 0,
        contentType: r.ContentType,
        metadata: r.Metadata ?? {},
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /** Reads an object of another bucket with the same client (e.g. s3:// model URLs). */
  async openExternal(bucket: string, key: string): Promise<Readable | null> {
    return new ArtifactStore(this.s3, bucket).getStream(key).then((o) => o?.body ?? null);
  }

  async getBuffer(key: string): Promise<Buffer | null> {
    const obj = await this.getStream(key);
    if (!obj) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of obj.body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    let token: string | undefined;
    do {
      const r = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) out.push({ key: o.Key!, sizeBytes: o.Size ?? 0, metadata: {} });
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async presignGet(key: string, expiresInSeconds = 300): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds });
  }

  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
