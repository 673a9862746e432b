import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startEmbeddedS3 } from '@app/embedded';
import { artifactKeys } from '../artifact-keys';
import { ArtifactStore } from '../artifact-store';
import { createS3Client } from '../s3-client';

/** The artifact store over the S3 protocol, against the embedded S3 server the stack runs (no in-memory fake). */
describe('ArtifactStore (embedded S3 server)', () => {
  let dir: string;
  let s3: Awaited<ReturnType<typeof startEmbeddedS3>>;
  let store: ArtifactStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'densebench-storage-spec-'));
    s3 = await startEmbeddedS3(dir);
    const client = createS3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      bucket: 'unused',
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
      retryForMs: 1_000,
    });
    store = new ArtifactStore(client, 'spec-bucket');
    await store.ensureBucket();
    await store.ensureBucket(); // a second call finds the bucket and leaves it
  });

  afterAll(async () => {
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('streams an object in, counting its size, and reads it back with its metadata', async () => {
    const key = artifactKeys.shardSamples('r1', 'arc_easy', 's1');
    const body = Buffer.from('{"doc_id":0}\n'.repeat(1000));
    const put = await store.putStream(key, Readable.from([body.subarray(0, 5000), body.subarray(5000)]), {
      contentType: 'application/gzip',
      metadata: { samples: '1000', 'shard-id': 's1' },
    });
    expect(put).toMatchObject({ key, sizeBytes: body.length, metadata: { samples: '1000', 'shard-id': 's1' } });
    expect(await store.head(key)).toMatchObject({ sizeBytes: body.length, contentType: 'application/gzip', metadata: { samples: '1000', 'shard-id': 's1' } });
    expect((await store.getBuffer(key))?.equals(body)).toBe(true);
  });

  it('fails the upload when the body fails, and stores nothing under the key', async () => {
    const key = 'runs/r1/samples/arc_easy/broken.jsonl.gz';
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk gone'));
      },
    });
    await expect(store.putStream(key, failing, { contentType: 'application/gzip' })).rejects.toThrow();
    expect(await store.head(key)).toBeNull();
  });

  it('answers null for a missing object instead of throwing', async () => {
    expect(await store.head('nope')).toBeNull();
    expect(await store.getStream('nope')).toBeNull();
    expect(await store.getBuffer('nope')).toBeNull();
  });

  it('lists by prefix, deletes, and presigns a URL that serves the object', async () => {
    await store.putBuffer(artifactKeys.results('r2'), '{"ok":true}', 'application/json');
    await store.putBuffer(artifactKeys.report('r2', 'index.html'), '<p>hi</p>', 'text/html');
    await store.putBuffer(artifactKeys.results('r3'), '{}', 'application/json');
    expect((await store.list('runs/r2/')).map((o) => o.key).sort()).toEqual(['runs/r2/report/index.html', 'runs/r2/results.json']);
    const url = await store.presignGet(artifactKeys.results('r2'), 60);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"ok":true}');
    await store.delete(artifactKeys.results('r2'));
    expect((await store.list('runs/r2/')).map((o) => o.key)).toEqual(['runs/r2/report/index.html']);
  });

  it('reads an object of another bucket with the same client', async () => {
    const other = new ArtifactStore((store as unknown as { s3: never }).s3, 'models-bucket');
    await other.ensureBucket();
    await other.putBuffer('m.gguf', 'GGUF', 'application/octet-stream');
    const body = await store.openExternal('models-bucket', 'm.gguf');
    const chunks: Buffer[] = [];
    for await (const c of body!) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('GGUF');
    expect(await store.openExternal('models-bucket', 'missing')).toBeNull();
  });
});

describe('artifactKeys', () => {
  it('keeps each run under runs/<id>/ and datasets by content hash', () => {
    expect(artifactKeys.shardSamples('r', 'b', 's')).toBe('runs/r/samples/b/s.jsonl.gz');
    expect(artifactKeys.shardRows('r', 'b', 's')).toBe('runs/r/rows/b/s.tsv.gz');
    expect(artifactKeys.dataset('abc')).toBe('datasets/abc');
  });
});
