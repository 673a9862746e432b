/** Progress of one download, reported as bytes arrive. */
export interface DownloadProgress {
  /** The file, as named (an hf:// URI). */
  uri: string;
  phase: 'start' | 'data' | 'done';
  receivedBytes: number;
  totalBytes?: number;
}

export type OnProgress = (p: DownloadProgress) => void;

const MB = 1024 * 1024;
const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;

/**
 * For services, whose output is a log file: a line when a download starts, one at each quarter
 * (or every `everyMs` when the size is unknown) and one when it ends — a few lines, not a flood.
 */
export function progressLogger(log: (line: string) => void, everyMs = 15_000): OnProgress {
  const state = new Map<string, { started: number; quarter: number; lastLog: number }>();
  return (p) => {
    const now = Date.now();
    if (p.phase === 'start') {
      state.set(p.uri, { started: now, quarter: 0, lastLog: now });
      log(`downloading ${p.uri}${p.totalBytes !== undefined ? ` (${mb(p.totalBytes)})` : ''}`);
      return;
    }
    const s = state.get(p.uri) ?? { started: now, quarter: 0, lastLog: now };
    if (p.phase === 'done') {
      state.delete(p.uri);
      const secs = Math.max((now - s.started) / 1000, 0.001);
      log(`downloaded ${p.uri}: ${mb(p.receivedBytes)} in ${secs.toFixed(1)} s (${mb(p.receivedBytes / secs)}/s)`);
      return;
    }
    const quarter = p.totalBytes ? Math.floor((4 * p.receivedBytes) / p.totalBytes) : 0;
    const due = p.totalBytes ? quarter > s.quarter && quarter < 4 : now - s.lastLog >= everyMs;
    if (!due) return;
    s.quarter = quarter;
    s.lastLog = now;
    state.set(p.uri, s);
    log(`downloading ${p.uri}: ${mb(p.receivedBytes)}${p.totalBytes ? ` of ${mb(p.totalBytes)} (${quarter * 25} %)` : ''}`);
  };
}
