/** GET /v1/density/calibrations/:id, as the CLI reads it. */
export interface CalibrationView {
  id: string;
  reference: string;
  status: 'running' | 'fitting' | 'succeeded' | 'failed';
  benchmarkKeys: string[];
  pool: string;
  runs: Array<{ runId: string; model: string; status: string; error: string | null; progress: { done: number; total: number } }>;
  given: Array<{ model: string }>;
  progress: { done: number; total: number };
  fitVersion: { version: number; method: string | null; quality: Record<string, CurveQualities>; warnings: string[] } | null;
  error: string | null;
  errorCode: string | null;
}

type CurveQuality = { rSquared?: number | null; n?: number; converged?: boolean };
type CurveQualities = { loss?: CurveQuality; performance?: CurveQuality };

export const CALIBRATION_ENDED = ['succeeded', 'failed'];

/** `references calibrate` after submitting: what runs (one per measured member) and which members' numbers are given. */
export function formatSubmitted(c: CalibrationView): string[] {
  const lines = [`calibration ${c.id} of "${c.reference}" on ${c.benchmarkKeys.join(', ')} (pool ${c.pool}): ${c.runs.length} run(s), ${c.status}`];
  const width = Math.max(0, ...c.runs.map((r) => r.model.length));
  for (const r of c.runs) lines.push(`  ${r.model.padEnd(width)}  run ${r.runId}  ${r.progress.total} samples`);
  if (c.given.length) lines.push(`  not run (their numbers are given): ${c.given.map((g) => g.model).join(', ')}`);
  return lines;
}

const r2 = (q?: CurveQuality) =>
  q ? `R² ${typeof q.rSquared === 'number' ? q.rSquared.toFixed(3) : 'n/a'} (n=${q.n ?? '?'}${q.converged === false ? ', not converged' : ''})` : 'n/a';

/** The outcome: the fit version and each curve's quality, or why the calibration failed (and which runs did not succeed). */
export function formatOutcome(c: CalibrationView): string[] {
  if (c.status === 'failed') {
    const lines = [`calibration ${c.id}: failed${c.errorCode ? ` (${c.errorCode})` : ''}: ${c.error ?? 'no reason recorded'}`];
    for (const r of c.runs.filter((x) => x.status !== 'succeeded')) lines.push(`  run ${r.runId} of ${r.model}: ${r.status}${r.error ? ` — ${r.error}` : ''}`);
    return lines;
  }
  if (c.status !== 'succeeded' || !c.fitVersion) return [`calibration ${c.id}: ${c.status} (${c.progress.done}/${c.progress.total} samples)`];
  const v = c.fitVersion;
  const lines = [`calibration ${c.id}: succeeded — "${c.reference}" fit version ${v.version}${v.method ? ` (${v.method})` : ''}`];
  // Postgres returns jsonb keys shortest first: benchmarks by name, the AVERAGE panel last.
  const names = Object.keys(v.quality).sort((a, b) => Number(a === 'AVERAGE') - Number(b === 'AVERAGE') || a.localeCompare(b));
  const width = Math.max(0, ...names.map((b) => b.length));
  for (const benchmark of names) {
    const q = v.quality[benchmark];
    lines.push(`  ${benchmark.padEnd(width)}  loss curve (Eq. 2) ${r2(q.loss)}   performance curve (Eq. 3) ${r2(q.performance)}`);
  }
  for (const w of v.warnings) lines.push(`  warning: ${w}`);
  return lines;
}
