import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { DomainException, ErrorCode } from '@app/contracts';
import { missingFileMessage } from '@app/files';
import { DatasetLoader, splitFiles } from '../data/dataset-loader';
import { decodeDocs } from '../data/formats';
import { DatasetCache } from '../data/sources';
import { sha256 } from '../hashing';
import { TaskConfig } from '../types';
import { FakeHub } from '../../../files/src/testing/fake-hub';
import { DATA_DIR } from './data-dir';
import { writeParquet } from './parquet-fixture';

const dir = mkdtempSync(join(tmpdir(), 'loaders-'));
const cfg = (files: Record<string, string>, extra: Partial<TaskConfig> = {}): TaskConfig => ({ task: 't', dataset_path: 'json', dataset_kwargs: { data_files: files }, test_split: 'test', ...extra });

describe('dataset loaders', () => {
  it('json (a list, or a list under dataset_kwargs.field, or JSON lines in a .json file)', async () => {
    expect(await decodeDocs(Buffer.from('[{"a":1},{"a":2}]'), 'x.json', 'json')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await decodeDocs(Buffer.from('{"data":[{"a":1}]}'), 'x.json', 'json', { field: 'data' })).toEqual([{ a: 1 }]);
    expect(await decodeDocs(Buffer.from('{"a":1}\n{"a":2}\n'), 'x.json', 'json')).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('csv with pandas-like inference of numeric columns, or all strings', async () => {
    const csv = Buffer.from('q,n,x\n"a, b",1,0.5\nc,2,\n');
    expect(await decodeDocs(csv, 'x.csv', 'csv')).toEqual([
      { q: 'a, b', n: 1, x: 0.5 },
      { q: 'c', n: 2, x: null },
    ]);
    expect(await decodeDocs(csv, 'x.csv', 'csv', { infer_types: false })).toEqual([
      { q: 'a, b', n: '1', x: '0.5' },
      { q: 'c', n: '2', x: '' },
    ]);
  });

  it('parquet through hyparquet', async () => {
    const bytes = writeParquet([
      { id: 1, text: 'héllo' },
      { id: 2, text: 'world' },
    ]);
    expect(await decodeDocs(bytes, 'x.parquet', 'parquet')).toEqual([
      { id: 1, text: 'héllo' },
      { id: 2, text: 'world' },
    ]);
  });

  it('text by line, paragraph or separator; gz and bz2 by magic bytes', async () => {
    expect(await decodeDocs(Buffer.from('a\n\nb\n'), 'x.txt', 'text')).toEqual([{ text: 'a' }, { text: '' }, { text: 'b' }]);
    expect(await decodeDocs(Buffer.from('a\nb\n\nc\n'), 'x.txt', 'text', { sample_by: 'paragraph' })).toEqual([{ text: 'a\nb' }, { text: 'c\n' }]);
    expect(await decodeDocs(gzipSync('s1\n<|endoftext|>\ns2\n<|endoftext|>\n'), 'x.txt.gz', 'text', { separator: '\n<|endoftext|>\n' })).toEqual([{ text: 's1' }, { text: 's2' }]);
    const docs = await decodeDocs(Buffer.alloc(0), 'x.txt', 'text', { sample_by: 'document' });
    expect(docs).toEqual([{ text: '' }]);
  });

  it('loads a split with its content hash, and several files as one split', async () => {
    writeFileSync(join(dir, 'a.jsonl'), '{"x":1}\n');
    writeFileSync(join(dir, 'b.jsonl.gz'), gzipSync('{"x":2}\n'));
    const loader = new DatasetLoader({ dataRoots: [dir] });
    const one = await loader.loadSplit(cfg({ test: 'a.jsonl' }), 'test');
    expect(one.docs).toEqual([{ x: 1 }]);
    expect(one.sha256).toBe(sha256('{"x":1}\n'));
    const two = await loader.loadSplit({ ...cfg({}), dataset_kwargs: { data_files: { test: ['a.jsonl', 'b.jsonl.gz'] } } }, 'test');
    expect(two.docs).toEqual([{ x: 1 }, { x: 2 }]);
    expect(two.files).toHaveLength(2);
  });

  it('S3 through the injected openS3 (null = missing)', async () => {
    const loader = new DatasetLoader({
      dataRoots: [dir],
      openS3: (bucket, key) => (bucket === 'b' && key === 'd/t.jsonl' ? Readable.from([Buffer.from('{"s":3}\n')]) : null),
    });
    expect((await loader.loadSplit(cfg({ test: 's3://b/d/t.jsonl' }), 'test')).docs).toEqual([{ s: 3 }]);
    await expect(loader.loadSplit(cfg({ test: 's3://b/missing.jsonl' }), 'test')).rejects.toMatchObject({ code: ErrorCode.MissingResource });
  });

  it('HTTP through fetch, cached by content hash; a pinned hash is served from the cache', async () => {
    const body = '{"h":4}\n';
    const urls: string[] = [];
    const fakeFetch = (async (url: string) => {
      urls.push(url);
      return url.includes('missing') ? new Response('no', { status: 404 }) : new Response(body, { status: 200 });
    }) as unknown as typeof fetch;
    const store = new Map<string, Buffer>();
    const cache: DatasetCache = { get: async (h) => store.get(h) ?? null, put: async (h, b) => void store.set(h, b) };
    const loader = new DatasetLoader({ dataRoots: [dir], fetch: fakeFetch, cache });
    const split = await loader.loadSplit(cfg({ test: 'https://example.org/gsm8k/test.jsonl' }), 'test');
    expect(split.docs).toEqual([{ h: 4 }]);
    expect(urls).toEqual(['https://example.org/gsm8k/test.jsonl']);
    expect(store.get(sha256(body))?.toString()).toBe(body);

    const pinned = new DatasetLoader({ dataRoots: [dir], fetch: fakeFetch, cache });
    const again = await pinned.loadSplit({ ...cfg({ test: 'https://example.org/t.jsonl' }), dataset_kwargs: { data_files: { test: 'https://example.org/t.jsonl' }, sha256: { test: sha256(body) } } }, 'test');
    expect(again.files[0].fromCache).toBe(true);
    expect(urls).toHaveLength(1);

    const wrong = new DatasetLoader({ dataRoots: [dir], fetch: fakeFetch });
    await expect(wrong.loadSplit({ ...cfg({}), dataset_kwargs: { data_files: { test: 'https://example.org/t.jsonl' }, sha256: 'ab'.repeat(32) } }, 'test')).rejects.toThrow('the task pins');
    await expect(wrong.loadSplit(cfg({ test: 'https://example.org/missing.jsonl' }), 'test')).rejects.toMatchObject({ code: ErrorCode.MissingResource });
  });

  it('a Hub dataset without data_files reads its auto-converted Parquet through an hf:// path', () => {
    expect(splitFiles({ task: 't', dataset_path: 'cais/mmlu', dataset_name: 'all' }, 'test')).toEqual(['hf://datasets/cais/mmlu@refs%2Fconvert%2Fparquet/all/test/0000.parquet']);
    expect(splitFiles({ task: 't', dataset_path: 'hellaswag' }, 'validation')).toEqual(['hf://datasets/hellaswag@refs%2Fconvert%2Fparquet/default/validation/0000.parquet']);
  });

  it('hf:// data files come from the Hub into its local cache, at the revision asked, checked against a pinned sha256', async () => {
    const hub = await FakeHub.start();
    try {
      const [c1, c2] = ['1'.repeat(40), '2'.repeat(40)];
      hub.addRepo({ id: 'datasets/org/qa', refs: { main: c2, v1: c1 }, commits: { [c1]: { 'test.jsonl': '{"q":1}\n' }, [c2]: { 'test.jsonl': '{"q":2}\n' } } });
      const cacheDir = mkdtempSync(join(tmpdir(), 'hf-'));
      const loader = new DatasetLoader({ dataRoots: [dir], hub: { endpoint: hub.endpoint, cacheDir } });
      const split = await loader.loadSplit(cfg({ test: 'hf://datasets/org/qa/test.jsonl' }), 'test');
      expect(split.docs).toEqual([{ q: 2 }]);
      expect(split.files[0].location).toBe(join(cacheDir, 'datasets--org--qa', 'snapshots', c2, 'test.jsonl'));
      const v1 = { ...cfg({}), dataset_kwargs: { data_files: { test: 'hf://datasets/org/qa/test.jsonl' }, revision: 'v1' } };
      expect((await loader.loadSplit(v1, 'test')).docs).toEqual([{ q: 1 }]);
      const pinned = { ...cfg({}), dataset_kwargs: { data_files: { test: 'hf://datasets/org/qa@v1/test.jsonl' }, sha256: 'ab'.repeat(32) } };
      const fresh = new DatasetLoader({ dataRoots: [dir], hub: { endpoint: hub.endpoint, cacheDir: mkdtempSync(join(tmpdir(), 'hf-')) } });
      await expect(fresh.loadSplit(pinned, 'test')).rejects.toThrow(`expected ${'ab'.repeat(32)}; it was not kept`);
    } finally {
      await hub.stop();
    }
  });

  it('a relative path is read from the first data root holding it', async () => {
    const first = mkdtempSync(join(tmpdir(), 'root-a-'));
    const second = mkdtempSync(join(tmpdir(), 'root-b-'));
    writeFileSync(join(second, 'only-b.jsonl'), '{"r":"b"}\n');
    writeFileSync(join(first, 'both.jsonl'), '{"r":"a"}\n');
    writeFileSync(join(second, 'both.jsonl'), '{"r":"b"}\n');
    const loader = new DatasetLoader({ dataRoots: [join(first, 'absent'), first, second] });
    expect((await loader.loadSplit(cfg({ test: 'both.jsonl' }), 'test')).docs).toEqual([{ r: 'a' }]);
    const b = await loader.loadSplit(cfg({ test: 'only-b.jsonl' }), 'test');
    expect(b.docs).toEqual([{ r: 'b' }]);
    expect(b.files[0].location).toBe(join(second, 'only-b.jsonl'));
    mkdirSync(join(second, 'parts'));
    writeFileSync(join(second, 'parts', 'p2.jsonl'), '{"p":2}\n');
    writeFileSync(join(second, 'parts', 'p1.jsonl'), '{"p":1}\n');
    expect((await loader.loadSplit(cfg({ test: 'parts/p*.jsonl' }), 'test')).docs).toEqual([{ p: 1 }, { p: 2 }]);
    const none = (await loader.loadSplit(cfg({ test: 'nowhere/p*.jsonl' }), 'test').catch((x: DomainException) => x)) as DomainException;
    expect(none).toMatchObject({ code: ErrorCode.MissingResource });
    expect(none.message).toContain(missingFileMessage('data', 'nowhere/p*.jsonl', [join(first, 'absent'), first, second]));
  });

  it('a missing local file and a corrupt bz2 give clear errors', async () => {
    const loader = new DatasetLoader({ dataRoots: [DATA_DIR, dir] });
    const e = (await loader.loadSplit(cfg({ test: 'nope/missing.jsonl' }), 'test').catch((x: DomainException) => x)) as DomainException;
    expect(e).toMatchObject({ code: ErrorCode.MissingResource, message: missingFileMessage('data', 'nope/missing.jsonl', [DATA_DIR, dir]) });
    expect(e.message).toContain(`data file nope/missing.jsonl was not found in ${DATA_DIR}, ${dir}. Provide it either way: put the file in DENSEBENCH_DATA_DIR`);
    writeFileSync(join(dir, 'bad.txt.bz2'), Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(40, 7)]));
    await expect(new DatasetLoader({ dataRoots: [dir] }).loadSplit({ ...cfg({ test: 'bad.txt.bz2' }), dataset_path: 'text' }, 'test')).rejects.toThrow(/is corrupt \(bzip2/);
  });
});
