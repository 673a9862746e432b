// Live rates of a run's progress, from successive views of it (the dashboard's events, the CLI's polls).
// Pure and free of Node.js APIs: the dashboard bundles this file as it is.

/** One observation of a benchmark's progress: when (ms), samples done, tokens so far. */
export interface ProgressPoint {
  t: number;
  done: number;
  tokens: number;
}

export interface ProgressRate {
  samplesPerS: number | null;
  tokensPerS: number | null;
  /** Seconds left at the current rate; 0 when done, null when unknown (no rate yet). */
  etaS: number | null;
}

/** Rates over the points of the last `windowMs` (the newest point and those at most that much older). */
export function rateOf(points: readonly ProgressPoint[], total: number, windowMs = 60_000): ProgressRate {
  const last = points[points.length - 1];
  if (!last) return { samplesPerS: null, tokensPerS: null, etaS: null };
  if (last.done >= total) return { samplesPerS: null, tokensPerS: null, etaS: 0 };
  const first = points.find((p) => last.t - p.t <= windowMs) ?? last;
  const dt = (last.t - first.t) / 1000;
  if (dt <= 0) return { samplesPerS: null, tokensPerS: null, etaS: null };
  const samplesPerS = (last.done - first.done) / dt;
  const tokensPerS = (last.tokens - first.tokens) / dt;
  return { samplesPerS, tokensPerS, etaS: samplesPerS > 0 ? (total - last.done) / samplesPerS : null };
}

/** Keeps the recent points of each benchmark of a run and answers their rates. */
export class ProgressRates {
  private readonly points = new Map<string, ProgressPoint[]>();

  constructor(private readonly windowMs = 60_000) {}

  observe(name: string, point: ProgressPoint): void {
    const list = this.points.get(name) ?? [];
    const last = list[list.length - 1];
    if (last && last.done === point.done && last.tokens === point.tokens) return; // unchanged: keeps the rate's start
    list.push(point);
    while (list.length > 2 && point.t - list[1].t > this.windowMs) list.shift();
    this.points.set(name, list);
  }

  rate(name: string, total: number): ProgressRate {
    return rateOf(this.points.get(name) ?? [], total, this.windowMs);
  }
}

/** "42 s", "3 min 5 s", "1 h 4 min"; an unknown ETA is "–". */
export function formatEta(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '–';
  const r = Math.round(s);
  if (r < 60) return `${r} s`;
  if (r < 3600) return `${Math.floor(r / 60)} min ${r % 60} s`;
  return `${Math.floor(r / 3600)} h ${Math.floor((r % 3600) / 60)} min`;
}

/** A benchmark of a run view as the progress lines need it. */
export interface ProgressEntry {
  name: string;
  isGroup: boolean;
  total: number;
  done: number;
  tokens: number;
  /** The outermost group holding it, if any. */
  group?: string | null;
}

/** One line per top-level benchmark or group; a group's members follow it only when it is in `expanded`. */
export function progressLines<T extends ProgressEntry>(benchmarks: readonly T[], expanded: ReadonlySet<string> | 'all' = new Set()): Array<T & { depth: number }> {
  const out: Array<T & { depth: number }> = [];
  for (const b of benchmarks.filter((x) => !x.group)) {
    out.push({ ...b, depth: 0 });
    if (b.isGroup && (expanded === 'all' || expanded.has(b.name))) for (const m of benchmarks.filter((x) => x.group === b.name && !x.isGroup)) out.push({ ...m, depth: 1 });
  }
  return out;
}
