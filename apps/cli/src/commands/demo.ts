import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { loadEnv, pathsConfigFrom } from '@app/config';
import { startStack } from '@app/embedded';
import { DensebenchClient } from '../api-client';
import { waitForBuiltinDensity } from './wait-density';
import { formatResults, watchRun } from './watch';

export interface DemoOptions {
  model: string;
  params: number;
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
  const paths = pathsConfigFrom(loadEnv());
  const modelFile = join(paths.modelsDir, o.model);
  if (!existsSync(modelFile)) {
    console.error(`model file ${modelFile} not found: set DENSEBENCH_MODELS_DIR to the folder holding ${o.model}`);
    return 2;
  }
  console.log(`densebench demo: ${o.model} on ${o.benchmark} (first ${o.limit} documents), data from ${paths.dataDir}`);
  const stack = await startStack({ workers: o.workers, pools: ['cpu'], verbose: o.verbose, say: (l) => console.log(`  ${l}`) });
  try {
    const client = new DensebenchClient(stack.apiUrl);
    const name = o.model.replace(/\.gguf$/, '');
    const found = await client.get<{ items: Array<{ id: string }> }>(`/v1/models?name=${encodeURIComponent(name)}`);
    const modelId =
      found.items[0]?.id ??
      (await client.post<{ id: string }>('/v1/models', { name, paramsTotal: o.params, backend: { kind: 'llama-cpp', path: o.model } })).id;
    const run = await client.post<{ id: string; shards: number; samples: number }>('/v1/runs', {
      modelId,
      benchmarks: [{ name: o.benchmark, limit: o.limit }],
      pool: 'cpu',
      shardSize: o.shardSize,
    });
    console.log(`  run ${run.id}: ${run.samples} samples in ${run.shards} shards, API at ${stack.apiUrl} (OpenAPI at ${stack.apiUrl}/docs)`);
    const final = await waitForBuiltinDensity(client, await watchRun(client, run.id), (l) => console.log(l));
    console.log(formatResults(final));
    console.log(`  artifacts: ${stack.apiUrl}/v1/runs/${run.id}/artifacts; service logs in ${stack.logsDir}`);
    return final.status === 'succeeded' ? 0 : 1;
  } finally {
    await stack.stop();
  }
}
