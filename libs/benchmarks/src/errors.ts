import { DomainException, ErrorCode } from '@app/contracts';

/**
 * Errors that name what is wrong and where: the task, the config field (and YAML line when the
 * task came from YAML), the document id for render-time failures. All are DomainExceptions, so
 * the API answers 400/404 and the worker does not retry them.
 */
export interface ErrorLocation {
  task?: string;
  field?: string;
  line?: number;
  source?: string;
  docId?: number;
}

export function describeLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.task) parts.push(`task "${loc.task}"`);
  if (loc.field) parts.push(`field "${loc.field}"`);
  if (loc.docId !== undefined) parts.push(`doc ${loc.docId}`);
  let where = parts.join(', ');
  if (loc.source || loc.line !== undefined) {
    where += ` (${loc.source ?? 'yaml'}${loc.line !== undefined ? ` line ${loc.line}` : ''})`;
  }
  return where.trim();
}

export function taskError(loc: ErrorLocation, message: string, code: ErrorCode = ErrorCode.InvalidInput): DomainException {
  const where = describeLocation(loc);
  return new DomainException(code, where ? `${where}: ${message}` : message, { ...loc });
}

/** Wraps an unexpected error thrown while rendering or scoring one document. */
export function docError(task: string, docId: number, field: string, err: unknown): DomainException {
  if (err instanceof DomainException) return err;
  return taskError({ task, field, docId }, (err as Error).message ?? String(err));
}

/** Closest candidate by edit distance, for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}
