import { MultiBar, Presets } from 'cli-progress';
import { DensebenchClient, RunView } from '../api-client';
import { formatDensity } from './density-lines';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** Follows a run with one progress bar per benchmark until it ends; returns the final view. */
export async function watchRun(client: DensebenchClient, runId: string, intervalMs = 1000): Promise<RunView> {
  const bars = new MultiBar(
    { format: ' {name} |{bar}| {value}/{total} samples | {status}', hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 5000 },
    Presets.shades_classic,
  );
  const byName = new Map<string, ReturnType<MultiBar['create']>>();
  try {
    for (;;) {
      const run = await client.get<RunView>(`/v1/runs/${runId}`);
      for (const b of run.benchmarks) {
        let bar = byName.get(b.name);
        if (!bar) {
          bar = bars.create(b.total, 0, { name: b.name.padEnd(14), status: run.status });
          byName.set(b.name, bar);
        }
        bar.update(Math.min(b.done, b.total), { status: run.status });
      }
      if (TERMINAL.includes(run.status)) return run;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  } finally {
    bars.stop();
  }
}

export function formatResults(run: RunView): string {
  const lines = [`run ${run.id} (${run.modelName}): ${run.status}${run.error ? ` — ${run.error}` : ''}`];
  for (const b of run.benchmarks) {
    for (const [metric, m] of Object.entries(b.metrics ?? {})) {
      const se = m.stderr === null ? '' : ` ± ${m.stderr.toFixed(4)}`;
      lines.push(`  ${b.name.padEnd(14)} ${metric.padEnd(20)} ${m.value.toFixed(4)}${se}  (n=${m.n})`);
    }
  }
  if (run.wallMs !== null) lines.push(`  wall time ${(run.wallMs / 1000).toFixed(1)} s, ${run.tokens.input} input tokens, ${run.tokens.output} output tokens`);
  if (run.status === 'succeeded') lines.push(...formatDensity(run.density));
  return lines.join('\n');
}
