import type { DatasetSource, Doc } from '../types';
import { decodeDocs, parseHellaswagText, parseJsonl } from './formats';
import { fetchFile, SourceOptions } from './sources';

export { parseHellaswagText, parseJsonl };

/** Loads every document of one file (local, S3, HTTP or hf://); relative paths are looked up in dataRoots. */
export async function loadDocs(source: DatasetSource, dataRoots: readonly string[], opts: Omit<SourceOptions, 'dataRoots'> = {}): Promise<Doc[]> {
  const f = await fetchFile(source.path, { ...opts, dataRoots });
  return decodeDocs(f.bytes, f.location, source.format);
}
