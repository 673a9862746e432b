// The samples table's row of a per-sample record, in PostgreSQL COPY text format. The worker writes these
// rows beside its JSONL artifact (the results service COPYs them without parsing JSON); the results
// service also derives them from the JSONL when that file is absent.
import type { SampleRecord } from './sample-record';

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
