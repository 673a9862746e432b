import { formatEta, ProgressRates, progressLines } from '@app/contracts';
import { DensebenchClient, RunView } from '../api-client';
import { formatDensity } from './density-lines';
import { BarRow, followWithBars } from './progress-bars';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

const rate = (n: number | null): string => (n === null ? '–' : n >= 100 ? String(Math.round(n)) : n.toPrecision(3));

/** The bars of a run view: one per benchmark or group (a group's tasks too when expanded), with its rates and ETA. */
export function runBarRows(run: RunView, rates: ProgressRates, expand: ReadonlySet<string> | 'all', now = Date.now()): BarRow[] {
  for (const b of run.benchmarks) rates.observe(b.name, { t: now, done: b.done, tokens: b.tokens ?? 0 });
  return progressLines(run.benchmarks, expand).map((b) => {
    const r = rates.rate(b.name, b.total);
    return {
      key: b.name,
      label: `${b.depth ? '  ' : ''}${b.name}`.padEnd(24),
      done: b.done,
      total: b.total,
      status: `${rate(r.samplesPerS)} samples/s, ${rate(r.tokensPerS)} tokens/s, ETA ${formatEta(r.etaS)} | ${run.status}`,
    };
  });
}

/**
 * Follows a run until it ends with one progress bar per benchmark or group (MMLU's 57 subjects are one bar;
 * `expand` lists groups to show task by task, or 'all'); returns the final view.
 */
export function watchRun(client: DensebenchClient, runId: string, intervalMs = 1000, expand: ReadonlySet<string> | 'all' = new Set()): Promise<RunView> {
  const rates = new ProgressRates();
  return followWithBars(
    () => client.get<RunView>(`/v1/runs/${runId}`),
    (run) => runBarRows(run, rates, expand),
    (run) => TERMINAL.includes(run.status),
    { intervalMs, notTTYScheduleMs: 5000 },
  );
}

/** --expand without names: every group; with names: those. */
export const expandOption = (v: true | string[] | undefined): ReadonlySet<string> | 'all' => (v === true ? 'all' : new Set(v ?? []));

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

/**
 * What each limit on a group means, said after a submit: per subtask (lm-eval's --limit, the default) or for
 * the whole group (--group-limit). Nothing for plain tasks or benchmarks without a limit.
 */
export function groupLimitLines(requested: ReadonlyArray<{ name: string; limit?: number; limitPer?: string }>, run: RunView): string[] {
  const lines: string[] = [];
  for (const b of requested) {
    const group = run.benchmarks.find((x) => x.isGroup && x.name === b.name);
    if (b.limit === undefined || !group) continue;
    const subtasks = run.benchmarks.filter((x) => !x.isGroup && x.group === b.name).length;
    lines.push(
      b.limitPer === 'group'
        ? `${b.name}: limit ${b.limit} for the whole group: ${group.total} documents over ${subtasks} subtasks`
        : `${b.name}: limit ${b.limit} per subtask (as lm-eval's --limit): ${subtasks} subtasks, ${group.total} documents; --group-limit caps the whole group`,
    );
  }
  return lines;
}
