import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetLoader } from '../data/dataset-loader';
import { decodeDocs } from '../data/formats';
import { TaskConfig } from '../types';
import { DATA_DIR } from './data-dir';

const dir = mkdtempSync(join(tmpdir(), 'xml-columns-'));

describe('XML documents and line columns', () => {
  it('xml: each `field` element below the root is a document; text untrimmed, repeated children a list', async () => {
    const xml = '<?xml version="1.0"?>\n<c>\n<s><a> x </a><b><i>1</i><i>2</i></b><e></e></s>\n<s><a>y</a><b><i>3</i></b></s>\n</c>\n';
    const docs = await decodeDocs(Buffer.from(xml), 'x.xml', 'xml', { field: 's' });
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatchObject({ a: ' x ', b: { i: ['1', '2'] }, e: '' });
    expect(docs[1]).toMatchObject({ a: 'y', b: { i: '3' } });
  });

  it('xml: the declared ISO-8859-1 encoding is honoured (WSCollection.xml has a non-breaking space past schema 273)', async () => {
    const latin = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><c><s><a>caf'), Buffer.from([0xe9, 0xa0]), Buffer.from('</a></s></c>')]);
    expect(await decodeDocs(latin, 'x.xml', 'xml', { field: 's' })).toEqual([{ a: 'caf\u00e9\u00a0' }]);
    const all = await new DatasetLoader({ dataRoots: [DATA_DIR] }).loadSplit({ task: 't', dataset_kwargs: { data_files: { test: 'wsc273/WSCollection.xml' }, field: 'schema' }, test_split: 'test' }, 'test');
    expect(all.docs).toHaveLength(285);
    expect(JSON.stringify(all.docs[283])).toContain('to\u00a0\\"willow-towered');
  });

  it('xml: errors say what is missing', async () => {
    await expect(decodeDocs(Buffer.from('<c><s/></c>'), 'x.xml', 'xml')).rejects.toThrow('set dataset_kwargs.field');
    await expect(decodeDocs(Buffer.from('<c><s/></c>'), 'x.xml', 'xml', { field: 'q' })).rejects.toThrow('has no <q> element below its root <c>');
    await expect(decodeDocs(Buffer.from('<c><s></c>'), 'x.xml', 'xml', { field: 's' })).rejects.toThrow('is not well-formed XML');
    await expect(decodeDocs(Buffer.from('<?xml version="1.0" encoding="Shift_JIS"?><c/>'), 'x.xml', 'xml', { field: 's' })).rejects.toThrow('declares the encoding "shift_jis"');
  });

  it('line_columns zips a file of one value a line onto the documents, and refuses a count that differs', async () => {
    writeFileSync(join(dir, 'q.jsonl'), '{"q":"a"}\n{"q":"b"}\n');
    writeFileSync(join(dir, 'labels.lst'), '1\n0\n');
    writeFileSync(join(dir, 'short.lst'), '1\n');
    const cfg = (file: string): TaskConfig => ({ task: 't', dataset_kwargs: { data_files: { validation: 'q.jsonl' }, line_columns: { validation: { label: file } } }, validation_split: 'validation' });
    const loader = new DatasetLoader({ dataRoots: [dir] });
    const split = await loader.loadSplit(cfg('labels.lst'), 'validation');
    expect(split.docs).toEqual([
      { q: 'a', label: '1' },
      { q: 'b', label: '0' },
    ]);
    expect(split.files.map((f) => f.uri)).toEqual(['q.jsonl', 'labels.lst']);
    await expect(loader.loadSplit(cfg('short.lst'), 'validation')).rejects.toThrow('short.lst has 1 lines for the 2 documents of split "validation"');
    // The documents the plain split loads are not changed by the zipped copy.
    expect((await loader.loadSplit({ ...cfg('labels.lst'), dataset_kwargs: { data_files: { validation: 'q.jsonl' } } }, 'validation')).docs).toEqual([{ q: 'a' }, { q: 'b' }]);
  });
});
