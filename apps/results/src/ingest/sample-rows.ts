import { SampleRecord } from '@app/contracts';

/** The columns of copyLine(), in order. */
export const SAMPLE_COLUMNS = 'run_id, benchmark, doc_id, shard_id, metrics, input_tokens, output_tokens, latency_ms, loss_nll, loss_tokens, loss_bytes';

/** The Postgres row of a sample, as one line of COPY text format. */
export function copyLine(runId: string, shardId: string, r: SampleRecord): string {
  const cols = [
    runId,
    r.benchmark,
    String(r.doc_id),
    shardId,
    JSON.stringify(r.metrics),
    String(r.tokens?.input ?? 0),
    String(r.tokens?.output ?? 0),
    String(r.timing?.latency_ms ?? 0),
    r.loss ? String(r.loss.nll) : null,
    r.loss ? String(r.loss.tokens) : null,
    r.loss ? String(r.loss.bytes) : null,
  ];
  return `${cols.map(escapeCopy).join('\t')}\n`;
}

/** COPY text format: \N is NULL; backslash, tab and newlines are escaped. */
export function escapeCopy(v: string | null): string {
  if (v === null) return '\\N';
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** Checks one parsed line of an artifact against its shard; returns a reason when it is invalid. */
export function invalidReason(r: SampleRecord, benchmark: string, docStart: number, docEnd: number): string | null {
  if (typeof r !== 'object' || r === null) return 'not an object';
  if (!Number.isInteger(r.doc_id) || r.doc_id < docStart || r.doc_id >= docEnd) return `doc_id ${String(r.doc_id)} outside [${docStart}, ${docEnd})`;
  if (r.benchmark !== benchmark) return `benchmark ${String(r.benchmark)} is not ${benchmark}`;
  if (typeof r.metrics !== 'object' || r.metrics === null) return 'metrics missing';
  for (const [k, v] of Object.entries(r.metrics)) if (typeof v !== 'number' || !Number.isFinite(v)) return `metric ${k} is not a finite number`;
  return null;
}
