import { Command } from 'commander';
import { DensebenchClient } from '../api-client';
import { CALIBRATION_ENDED, CalibrationView, formatOutcome, formatSubmitted } from './calibration-lines';
import { followWithBars } from './progress-bars';

type Reference = { id: string; name: string; isDefault: boolean; builtin: string | null; latestVersion: number | null; method: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `name[:limit[:numFewshot]]`, as `densebench submit --benchmark` takes it. */
export function parseBenchmarkSpec(spec: string, int: (v: string) => number): { name: string; limit?: number; numFewshot?: number } {
  const [name, limit, numFewshot] = spec.split(':');
  return { name, ...(limit ? { limit: int(limit) } : {}), ...(numFewshot ? { numFewshot: int(numFewshot) } : {}) };
}

async function resolveReference(client: DensebenchClient, ref: string): Promise<Reference> {
  const all = await client.get<Reference[]>('/v1/density/references');
  const found = all.find((r) => (UUID.test(ref) ? r.id === ref : r.name === ref));
  if (!found) throw new Error(`no reference family "${ref}" (known: ${all.map((r) => r.name).join(', ') || 'none'}; densebench references list)`);
  return found;
}

/** Follows a calibration with one progress bar per run until it succeeds or fails; returns the final view. */
function watchCalibration(client: DensebenchClient, id: string, intervalMs = 2000): Promise<CalibrationView> {
  return followWithBars(
    () => client.get<CalibrationView>(`/v1/density/calibrations/${id}`),
    (c) => {
      const width = Math.max(0, ...c.runs.map((r) => r.model.length));
      const status = (s: string) => (c.status === 'fitting' ? 'fitting the family' : s);
      return c.runs.map((r) => ({ key: r.runId, label: r.model.padEnd(width), done: r.progress.done, total: r.progress.total, status: status(r.status) }));
    },
    (c) => CALIBRATION_ENDED.includes(c.status),
    { intervalMs, notTTYScheduleMs: 10_000 },
  );
}

/** `densebench references list | calibrate`. */
export function referencesCommand(apiOpt: (c: Command) => Command, int: (v: string) => number): Command {
  const references = new Command('references').description('reference families of capability density (Densing Law)');

  apiOpt(references.command('list'))
    .description('list the reference families, their latest fit version and its method')
    .option('--json', 'raw JSON')
    .action(async (o) => {
      const rows = await new DensebenchClient(o.api).get<Reference[]>('/v1/density/references');
      if (o.json) return console.log(JSON.stringify(rows, null, 2));
      if (rows.length === 0) return console.log('no reference family yet: POST /v1/density/references');
      const width = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) {
        const version = r.latestVersion === null ? 'not fitted' : `v${r.latestVersion} ${r.method ?? ''}`.trim();
        const flags = [r.isDefault ? 'default' : '', r.builtin ? `built-in (${r.builtin})` : ''].filter(Boolean).join(', ');
        console.log(`${r.name.padEnd(width)}  ${r.id}  ${version}${flags ? `  [${flags}]` : ''}`);
      }
    });

  apiOpt(references.command('calibrate <reference>'))
    .description('run every member of a family (name or id) on the benchmarks and fit it on their measured losses and scores')
    .requiredOption('--benchmark <spec...>', 'name[:limit[:numFewshot]], repeatable')
    .option('--pool <pool>', 'worker pool of the runs', 'cpu')
    .option('--priority <n>', 'priority of the runs (0-100, higher first)', int, 0)
    .option('--shard-size <n>', 'documents per shard (default: sized per benchmark by the service)', int)
    .option('--seed <n>', 'seed', int, 1234)
    .option('--idempotency-key <key>', 'retrying with the same key returns the same calibration')
    .option('--watch', 'follow the runs and the fit until the calibration ends; exit code 1 if it fails')
    .action(async (ref: string, o) => {
      const client = new DensebenchClient(o.api);
      const reference = await resolveReference(client, ref);
      const body = {
        benchmarks: (o.benchmark as string[]).map((s) => parseBenchmarkSpec(s, int)),
        pool: o.pool,
        priority: o.priority,
        shardSize: o.shardSize,
        seed: o.seed,
      };
      const headers = o.idempotencyKey ? { 'Idempotency-Key': o.idempotencyKey } : undefined;
      const submitted = await client.post<CalibrationView>(`/v1/density/references/${reference.id}/calibrate`, body, headers);
      console.log(formatSubmitted(submitted).join('\n'));
      if (!o.watch) return console.log(`follow it: GET /v1/density/calibrations/${submitted.id} (or add --watch)`);
      const ended = await watchCalibration(client, submitted.id);
      console.log(formatOutcome(ended).join('\n'));
      if (ended.status !== 'succeeded') process.exitCode = 1;
    });

  return references;
}
