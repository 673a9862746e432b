import { readdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute } from 'node:path';
import { DomainException, ErrorCode } from '@app/contracts';
import { findInRoots, missingFileMessage } from '@app/files';
import { sha256 } from '../hashing';
import type { DatasetFormat, DatasetKwargs, Doc, TaskConfig } from '../types';
import { decodeDocs, inferFormat } from './formats';
import { fetchFile, resolveLocation, SourceOptions } from './sources';

/** Generic builders lm-eval passes to datasets.load_dataset; anything else is a Hub dataset id. */
const BUILDERS = new Set(['json', 'jsonl', 'csv', 'parquet', 'text', 'hellaswag_text']);

export interface LoadedFile {
  uri: string;
  location: string;
  sha256: string;
  bytes: number;
  fromCache: boolean;
}

/** One split's documents (before process_docs) and the content hash of the files they came from. */
export interface LoadedSplit {
  split: string;
  docs: Doc[];
  /** sha256 of the file's bytes; with several files, sha256 over their hashes in order. */
  sha256: string;
  files: LoadedFile[];
}

/** The files a task's split is read from (lm-eval's dataset_path / dataset_name / data_files). */
export function splitFiles(config: TaskConfig, split: string): string[] {
  const files = config.dataset_kwargs?.data_files;
  if (files !== undefined) {
    if (typeof files === 'string' || Array.isArray(files)) {
      if (split !== 'train') throw missingSplit(config, split, ['train']);
      return typeof files === 'string' ? [files] : files;
    }
    const f = files[split];
    if (f === undefined) throw missingSplit(config, split, Object.keys(files));
    return typeof f === 'string' ? [f] : f;
  }
  const path = config.dataset_path;
  if (!path || BUILDERS.has(path)) {
    throw new DomainException(ErrorCode.InvalidInput, `task "${config.task}": dataset_kwargs.data_files must name the file(s) of split "${split}"`, {
      task: config.task,
      field: 'dataset_kwargs.data_files',
    });
  }
  // A Hub dataset without data_files: its auto-converted Parquet (first shard of the split).
  const subset = config.dataset_name ?? 'default';
  return [`hf://datasets/${path}@${encodeURIComponent(PARQUET_REVISION)}/${subset}/${split}/0000.parquet`];
}

/** The branch where the Hub keeps every dataset converted to Parquet. */
const PARQUET_REVISION = 'refs/convert/parquet';

function missingSplit(config: TaskConfig, split: string, known: string[]): DomainException {
  return new DomainException(
    ErrorCode.InvalidInput,
    `task "${config.task}": dataset_kwargs.data_files has no split "${split}" (it has: ${known.join(', ') || 'none'})`,
    { task: config.task, field: 'dataset_kwargs.data_files', split },
  );
}

function pinFor(kwargs: DatasetKwargs | undefined, split: string, nFiles: number): string | undefined {
  const pin = kwargs?.sha256;
  if (pin === undefined) return undefined;
  if (typeof pin === 'string') return nFiles === 1 ? pin : undefined;
  return nFiles === 1 ? pin[split] : undefined;
}

function globFile(uri: string, files: LoadedFile[]): LoadedFile {
  return {
    uri,
    location: files[0].location.slice(0, files[0].location.length - basename(files[0].location).length) + basename(uri),
    sha256: sha256(files.map((f) => f.sha256).join('\n')),
    bytes: files.reduce((a, f) => a + f.bytes, 0),
    fromCache: files.every((f) => f.fromCache),
  };
}

/**
 * Loads dataset splits from local files, S3, HTTP(S) or the Hugging Face Hub, memoizing by file and
 * format. Every split reports the sha256 of its content (to record with the run and to key the
 * dataset cache).
 */
export class DatasetLoader {
  private readonly memo = new Map<string, Promise<{ docs: Doc[]; file: LoadedFile }>>();

  constructor(readonly options: SourceOptions) {}

  async loadSplit(config: TaskConfig, split: string): Promise<LoadedSplit> {
    const kwargs = config.dataset_kwargs ?? {};
    const explicit: DatasetFormat | undefined = kwargs.format ?? (config.dataset_path === 'hellaswag_text' ? 'hellaswag-txt' : undefined);
    const groups = await Promise.all(splitFiles(config, split).map(async (uri) => ({ uri, files: await this.expandGlob(uri, config) })));
    const pin = pinFor(kwargs, split, groups.length === 1 ? groups[0].files.length : groups.length);
    const loaded = await Promise.all(groups.map(async (g) => ({ uri: g.uri, parts: await Promise.all(g.files.map((f) => this.loadFile(f, config.dataset_path, explicit, kwargs, pin))) })));
    let docs = loaded.flatMap((g) => g.parts.flatMap((p) => p.docs));
    // A glob's files are reported as one entry (the pattern, sha256 over their hashes in order).
    const files = loaded.map((g) => (g.uri === g.parts[0].file.uri ? g.parts[0].file : globFile(g.uri, g.parts.map((p) => p.file))));
    const columns = Object.entries(kwargs.line_columns?.[split] ?? {});
    if (columns.length) {
      docs = docs.map((d) => ({ ...d }));
      for (const [column, uri] of columns) {
        const lines = await this.loadFile(uri, undefined, 'text', {});
        if (lines.docs.length !== docs.length) {
          throw new DomainException(ErrorCode.InvalidInput, `task "${config.task}": ${uri} has ${lines.docs.length} lines for the ${docs.length} documents of split "${split}" (dataset_kwargs.line_columns)`, {
            task: config.task,
            field: 'dataset_kwargs.line_columns',
          });
        }
        lines.docs.forEach((l, i) => (docs[i][column] = l.text));
        files.push(lines.file);
      }
    }
    return {
      split,
      docs,
      files,
      sha256: files.length === 1 ? files[0].sha256 : sha256(files.map((f) => f.sha256).join('\n')),
    };
  }

  /**
   * A local path whose file name has "*" (math/test/algebra/*.json) → the matching files, sorted by
   * name as Python's sorted() sorts them (the order the Hugging Face builders read directories in).
   */
  private async expandGlob(uri: string, config: TaskConfig): Promise<string[]> {
    if (!basename(uri).includes('*')) return [uri];
    const where = { task: config.task, field: 'dataset_kwargs.data_files' };
    const loc = resolveLocation(uri);
    if (loc.kind !== 'file' || dirname(uri).includes('*')) {
      throw new DomainException(ErrorCode.InvalidInput, `task "${config.task}": ${uri}: "*" works in the file name of a local path only`, where);
    }
    const pattern = new RegExp(`^${basename(uri).split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    // The pattern's folder in the first data root that has it.
    const folder = await findInRoots(this.options.dataRoots, dirname(loc.path), 'folder');
    if (!folder) {
      const searched = isAbsolute(loc.path) ? [] : [...this.options.dataRoots];
      throw new DomainException(ErrorCode.MissingResource, `task "${config.task}": ${missingFileMessage('data', uri, searched)}`, { ...where, searched });
    }
    const names = await readdir(folder);
    const matched = names.filter((n) => pattern.test(n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (matched.length === 0) throw new DomainException(ErrorCode.MissingResource, `task "${config.task}": ${uri} matches no file`, where);
    const dir = uri.slice(0, uri.length - basename(uri).length);
    return matched.map((n) => dir + n);
  }

  private loadFile(uri: string, datasetPath: string | undefined, explicit: DatasetFormat | undefined, kwargs: DatasetKwargs, pin?: string) {
    const format = inferFormat(uri, datasetPath, explicit);
    const key = JSON.stringify([uri, kwargs.revision, format, kwargs.field, kwargs.infer_types, kwargs.delimiter, kwargs.sample_by, kwargs.separator]);
    let p = this.memo.get(key);
    if (!p) {
      p = (async () => {
        const f = await fetchFile(uri, this.options, { sha256: pin, revision: kwargs.revision });
        const docs = await decodeDocs(f.bytes, f.location, format, kwargs);
        return { docs, file: { uri, location: f.location, sha256: f.sha256, bytes: f.bytes.length, fromCache: f.fromCache } };
      })();
      p.catch(() => this.memo.delete(key));
      this.memo.set(key, p);
    }
    return p;
  }
}
