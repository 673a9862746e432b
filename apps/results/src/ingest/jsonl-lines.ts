import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The gunzipped text of a body; an error of the body ends the text with that error. */
export function gunzipped(body: Readable): AsyncIterable<string> {
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  body.once('error', (err) => gunzip.destroy(err));
  gunzip.setEncoding('utf8');
  return body.pipe(gunzip);
}

/**
 * The non-blank lines of a text (LF or CRLF), each mapped by toRow, joined into batches of about
 * batchChars characters: one COPY write per batch instead of one per row.
 */
export async function* copyBatches(text: AsyncIterable<string>, toRow: (line: string) => string, batchChars = 256 * 1024): AsyncGenerator<string> {
  let rest = '';
  let batch = '';
  for await (const chunk of text) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) batch += toRow(line);
    if (batch.length >= batchChars) {
      yield batch;
      batch = '';
    }
  }
  if (rest.trim()) batch += toRow(rest);
  if (batch) yield batch;
}
