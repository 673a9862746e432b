import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DensebenchClient } from '../api-client';

/**
 * Downloads every artifact of a run below `out`, keeping their keys' folders (`relative`: below the run's own
 * runs/<id>/ prefix); returns the files written.
 */
export async function downloadRun(client: DensebenchClient, runId: string, out: string, o: { relative?: boolean } = {}): Promise<string[]> {
  const artifacts = await client.get<Array<{ id: string; key: string; downloadUrl: string }>>(`/v1/runs/${runId}/artifacts`);
  const written: string[] = [];
  const prefix = `runs/${runId}/`;
  for (const a of artifacts) {
    const dest = join(out, o.relative && a.key.startsWith(prefix) ? a.key.slice(prefix.length) : a.key);
    await mkdir(dirname(dest), { recursive: true });
    const res = await client.stream(a.downloadUrl).catch((err: Error) => {
      throw new Error(`download of ${a.key} failed: ${err.message}`);
    });
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(dest));
    written.push(dest);
  }
  return written;
}
