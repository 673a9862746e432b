import { DomainException } from '@app/contracts';
import { startStack } from '@app/embedded';
import { join } from 'node:path';
import { DensebenchClient } from '../api-client';
import { readCliConfig, writeCliConfig } from '../cli-config';
import { densebenchHome } from '../cli-config';
import { downloadRun } from './download';
import { DemoFiles, demoFiles } from './demo-files';
import { waitForBuiltinDensity } from './wait-density';
import { formatResults, watchRun } from './watch';

export interface DemoOptions {
  model: string;
  /** Only when the model's header cannot be read (the API reads it otherwise). */
  params?: number;
  benchmark: string;
  limit: number;
  shardSize: number;
  workers: number;
  verbose: boolean;
}

/**
 * The whole product in one command: the embedded stack, a real GGUF model registered, a real
 * benchmark run sharded over local workers, progress, and the scores with their stderr.
 */
export async function demo(o: DemoOptions): Promise<number> {
  let files: DemoFiles;
  try {
    files = await demoFiles(o.model, o.benchmark);
  } catch (err) {
    if (!(err instanceof DomainException)) throw err;
    console.error(`densebench demo: ${err.message}`);
    return 2;
  }
  console.log(`densebench demo: ${o.model} on ${o.benchmark} (first ${o.limit} documents)`);
  for (const line of files.found.length > 4 ? [...files.found.slice(0, 3), `… and ${files.found.length - 3} more files`] : files.found) console.log(`  ${line}`);
  // The demo makes (or reuses) an admin key of its own database and uses it: no ceremony.
  const stack = await startStack({ workers: o.workers, pools: ['cpu'], verbose: o.verbose, say: (l) => console.log(`  ${l}`), apiKey: readCliConfig().apiKey });
  if (stack.apiKeyCreated) writeCliConfig({ apiKey: stack.apiKey });
  try {
    const client = new DensebenchClient(stack.apiUrl, stack.apiKey);
    const name = files.name;
    const found = await client.get<{ items: Array<{ id: string }> }>(`/v1/models?name=${encodeURIComponent(name)}`);
    const modelId =
      found.items[0]?.id ??
      (await client.post<{ id: string }>('/v1/models', { name, ...(o.params !== undefined ? { paramsTotal: o.params } : {}), backend: files.backend })).id;
    const run = await client.post<{ id: string; shards: number; samples: number }>('/v1/runs', {
      modelId,
      benchmarks: [{ name: o.benchmark, limit: o.limit }],
      pool: 'cpu',
      shardSize: o.shardSize,
    });
    console.log(`  run ${run.id}: ${run.samples} samples in ${run.shards} shards, API at ${stack.apiUrl} (OpenAPI at ${stack.apiUrl}/docs)`);
    const final = await waitForBuiltinDensity(client, await watchRun(client, run.id), (l) => console.log(l));
    console.log(formatResults(final));
    // The stack stops with the demo: its results stay in a folder (results.json, the samples, the density report).
    const kept = join(densebenchHome(), 'demo-runs', run.id);
    const written = await downloadRun(client, run.id, kept, { relative: true });
    console.log(`  results kept in ${kept} (${written.length} files: results.json, samples/, report/); service logs in ${stack.logsDir}`);
    return final.status === 'succeeded' ? 0 : 1;
  } finally {
    await stack.stop();
  }
}
