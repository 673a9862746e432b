import { DensebenchClient, RunView } from '../api-client';
import { formatDensity } from './density-lines';
import { followWithBars } from './progress-bars';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** Follows a run with one progress bar per benchmark until it ends; returns the final view. */
export function watchRun(client: DensebenchClient, runId: string, intervalMs = 1000): Promise<RunView> {
  return followWithBars(
    () => client.get<RunView>(`/v1/runs/${runId}`),
    (run) => run.benchmarks.map((b) => ({ key: b.name, label: b.name.padEnd(14), done: b.done, total: b.total, status: run.status })),
    (run) => TERMINAL.includes(run.status),
    { intervalMs, notTTYScheduleMs: 5000 },
  );
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
