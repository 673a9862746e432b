import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { DomainException, ErrorCode } from '@app/contracts';
import type { DatasetFormat, DatasetKwargs, Doc } from '../types';
import { bunzip2 } from './bzip2';
import { parseXmlDocs } from './xml';

const gunzipAsync = promisify(gunzip);

type CsvParse = typeof import('csv-parse/sync');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseCsvSync } = require('csv-parse/sync') as CsvParse;

type Hyparquet = typeof import('hyparquet', { with: { 'resolution-mode': 'import' } });

const invalid = (file: string, message: string, details: Record<string, unknown> = {}) =>
  new DomainException(ErrorCode.InvalidInput, `dataset file ${file}: ${message}`, { file, ...details });

/** Decompresses gzip / bzip2 by magic bytes (whatever the extension says). */
export async function decompress(bytes: Buffer, file: string): Promise<Buffer> {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return await gunzipAsync(bytes);
    } catch (err) {
      throw invalid(file, `is corrupt (gzip: ${(err as Error).message})`);
    }
  }
  if (bytes.length >= 3 && bytes.toString('latin1', 0, 3) === 'BZh') {
    try {
      return await bunzip2(bytes);
    } catch (err) {
      throw invalid(file, `is corrupt (bzip2: ${(err as Error).message ?? String(err)})`);
    }
  }
  if (/\.(gz|bz2)$/.test(file)) throw invalid(file, `is corrupt: the name says ${file.split('.').pop()} but the content is not compressed that way`);
  return bytes;
}

/** The format of a file from an explicit setting, lm-eval's dataset_path builder name, or the extension. */
export function inferFormat(file: string, datasetPath: string | undefined, explicit?: DatasetFormat): DatasetFormat {
  if (explicit) return explicit;
  const name = file.replace(/[?#].*$/, '').replace(/\.(gz|bz2)$/i, '').toLowerCase();
  if (/\.(jsonl|ndjson)$/.test(name)) return 'jsonl';
  if (name.endsWith('.json')) return 'json';
  if (/\.(csv|tsv)$/.test(name)) return 'csv';
  if (name.endsWith('.parquet')) return 'parquet';
  if (name.endsWith('.txt')) return 'text';
  if (name.endsWith('.xml')) return 'xml';
  if (datasetPath === 'json') return 'json';
  if (datasetPath === 'csv') return 'csv';
  if (datasetPath === 'parquet') return 'parquet';
  if (datasetPath === 'text') return 'text';
  throw invalid(file, 'cannot tell its format from the name; set dataset_kwargs.format (jsonl, json, csv, parquet, text)');
}

export function parseJsonl(text: string, file: string): Doc[] {
  const docs: Doc[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      throw invalid(file, `line ${i + 1} is not valid JSON (${(err as Error).message})`, { line: i + 1 });
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(file, `line ${i + 1} is not a JSON object`, { line: i + 1 });
    docs.push(v as Doc);
  }
  return docs;
}

function parseJson(text: string, file: string, field?: string, oneRecord = false): Doc[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return parseJsonl(text, file); // HF's json builder reads JSON Lines from .json files too
  }
  if (oneRecord) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(file, 'should hold one JSON object (sample_by: document)');
    return [v as Doc];
  }
  if (field !== undefined) {
    if (v === null || typeof v !== 'object' || !Array.isArray((v as Record<string, unknown>)[field])) throw invalid(file, `has no list under key "${field}"`);
    v = (v as Record<string, unknown>)[field];
  }
  if (!Array.isArray(v)) throw invalid(file, 'is one JSON value but not a list of records (set dataset_kwargs.field to the key holding the list)');
  v.forEach((d, i) => {
    if (d === null || typeof d !== 'object' || Array.isArray(d)) throw invalid(file, `record ${i} is not an object`);
  });
  return v as Doc[];
}

/** Like pandas.read_csv's inference: a column of all-integer (or all-numeric) cells becomes numbers. */
function inferColumns(rows: Array<Record<string, string>>): Doc[] {
  if (rows.length === 0) return rows;
  const cols = Object.keys(rows[0]);
  const kind = new Map<string, 'int' | 'float' | 'str'>();
  for (const c of cols) {
    let k: 'int' | 'float' | 'str' = 'int';
    let any = false;
    for (const r of rows) {
      const v = r[c];
      if (v === '' || v === undefined) continue;
      any = true;
      if (/^[+-]?\d+$/.test(v)) continue;
      if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) k = 'float';
      else {
        k = 'str';
        break;
      }
    }
    kind.set(c, any ? k : 'str');
  }
  return rows.map((r) => {
    const d: Doc = {};
    for (const c of cols) {
      const v = r[c];
      const k = kind.get(c);
      d[c] = k === 'str' ? v : v === '' ? null : Number(v);
    }
    return d;
  });
}

function parseCsv(text: string, file: string, kwargs: DatasetKwargs): Doc[] {
  const delimiter = kwargs.delimiter ?? (/\.tsv(\.(gz|bz2))?$/i.test(file) ? '\t' : ',');
  let rows: Array<Record<string, string>>;
  try {
    rows = parseCsvSync(text, { columns: true, delimiter, bom: true, skip_empty_lines: true, relax_quotes: false }) as Array<Record<string, string>>;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw invalid(file, `is not valid CSV${e.lines ? ` (line ${e.lines})` : ''}: ${e.message}`, { line: e.lines });
  }
  return kwargs.infer_types === false ? rows : inferColumns(rows);
}

function parseText(text: string, kwargs: DatasetKwargs): Doc[] {
  if (kwargs.separator !== undefined) {
    const parts = text.split(kwargs.separator);
    if (parts.length && parts[parts.length - 1].trim() === '') parts.pop();
    return parts.map((t) => ({ text: t }));
  }
  switch (kwargs.sample_by ?? 'line') {
    case 'document':
      return [{ text }];
    case 'paragraph':
      return text
        .split(/\n\s*\n/)
        .filter((p) => p.trim() !== '')
        .map((p) => ({ text: p }));
    default: {
      const lines = text.split(/\r?\n/);
      if (lines.length && lines[lines.length - 1] === '') lines.pop();
      return lines.map((l) => ({ text: l }));
    }
  }
}

/**
 * llama.cpp's HellaSwag text format (6 lines per item: "activity_label: ctx", gold label, 4 endings),
 * as consumed by `llama-perplexity --hellaswag`.
 */
export function parseHellaswagText(text: string, file: string): Doc[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length % 6 !== 0) throw invalid(file, `expected 6 lines per HellaSwag item, got ${lines.length} lines`);
  const docs: Doc[] = [];
  for (let i = 0; i < lines.length; i += 6) {
    const label = Number(lines[i + 1]);
    if (!Number.isInteger(label) || label < 0 || label > 3) throw invalid(file, `line ${i + 2} should be a label 0-3, got "${lines[i + 1]}"`, { line: i + 2 });
    docs.push({ query: lines[i], label, endings: lines.slice(i + 2, i + 6) });
  }
  return docs;
}

async function parseParquet(bytes: Buffer, file: string): Promise<Doc[]> {
  // hyparquet is ESM-only; Node ≥ 20.19 require()s it, jest transpiles it (jest.config.js).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hp = require('hyparquet') as Hyparquet;
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Array<Record<string, unknown>>;
  try {
    rows = (await hp.parquetReadObjects({ file: ab })) as Array<Record<string, unknown>>;
  } catch (err) {
    throw invalid(file, `is not a readable Parquet file: ${(err as Error).message}`);
  }
  return rows.map((r) => normalizeParquet(r) as Doc);
}

function normalizeParquet(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(normalizeParquet);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeParquet(x)]));
  return v;
}

/** Decompresses and parses one file into documents. */
export async function decodeDocs(raw: Buffer, file: string, format: DatasetFormat, kwargs: DatasetKwargs = {}): Promise<Doc[]> {
  const bytes = await decompress(raw, file);
  if (format === 'parquet') return parseParquet(bytes, file);
  if (format === 'xml') return parseXmlDocs(bytes, file, kwargs.field);
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes)) throw invalid(file, 'is not valid UTF-8 text (corrupt, or a binary file)');
  switch (format) {
    case 'jsonl':
      return parseJsonl(text, file);
    case 'json':
      return parseJson(text, file, kwargs.field, kwargs.sample_by === 'document');
    case 'csv':
      return parseCsv(text, file, kwargs);
    case 'text':
      return parseText(text, kwargs);
    case 'hellaswag-txt':
      return parseHellaswagText(text, file);
  }
  throw invalid(file, `unknown format ${String(format)}`);
}
