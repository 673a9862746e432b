import { isAbsolute, join } from 'node:path';
import type { DatasetSource, Doc } from '../types';
import { decodeDocs, parseHellaswagText, parseJsonl } from './formats';
import { fetchFile, SourceOptions } from './sources';

export { parseHellaswagText, parseJsonl };

export function resolveDatasetPath(source: DatasetSource, dataDir: string): string {
  return isAbsolute(source.path) || /^[a-z0-9]+:\/\//.test(source.path) ? source.path : join(dataDir, source.path);
}

/** Loads every document of one file (local, S3, HTTP or hf://). */
export async function loadDocs(source: DatasetSource, dataDir: string, opts: Omit<SourceOptions, 'dataDir'> = {}): Promise<Doc[]> {
  const f = await fetchFile(source.path, { ...opts, dataDir });
  return decodeDocs(f.bytes, f.location, source.format);
}
