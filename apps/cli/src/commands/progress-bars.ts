import { MultiBar, Presets } from 'cli-progress';

/** One progress bar: a stable key, its label, samples done of total, and a status shown beside it. */
export interface BarRow {
  key: string;
  label: string;
  done: number;
  total: number;
  status: string;
}

/**
 * Fetches a view every `intervalMs` and shows one progress bar per row (created when a row first appears) until
 * `ended(view)`; returns the last view. Without a TTY the bars are printed every `notTTYScheduleMs`.
 */
export async function followWithBars<T>(
  fetch: () => Promise<T>,
  rows: (view: T) => BarRow[],
  ended: (view: T) => boolean,
  opts: { intervalMs: number; notTTYScheduleMs: number },
): Promise<T> {
  const bars = new MultiBar(
    { format: ' {name} |{bar}| {value}/{total} samples | {status}', hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: opts.notTTYScheduleMs },
    Presets.shades_classic,
  );
  const byKey = new Map<string, ReturnType<MultiBar['create']>>();
  try {
    for (;;) {
      const view = await fetch();
      for (const r of rows(view)) {
        let bar = byKey.get(r.key);
        if (!bar) byKey.set(r.key, (bar = bars.create(r.total, 0, { name: r.label, status: r.status })));
        bar.update(Math.min(r.done, r.total), { status: r.status });
      }
      if (ended(view)) return view;
      await new Promise((r) => setTimeout(r, opts.intervalMs));
    }
  } finally {
    bars.stop();
  }
}
