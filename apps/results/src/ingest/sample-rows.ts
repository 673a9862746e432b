import { SampleRecord, unreadableSampleRecordVersion } from '@app/contracts';

export { copyLine, escapeCopy, SAMPLE_COLUMNS } from '@app/contracts';

/** Checks one parsed line of an artifact against its shard; returns a reason when it is invalid. */
export function invalidReason(r: SampleRecord, benchmark: string, docStart: number, docEnd: number): string | null {
  if (typeof r !== 'object' || r === null) return 'not an object';
  const unreadable = unreadableSampleRecordVersion(r);
  if (unreadable) return unreadable;
  if (!Number.isInteger(r.doc_id) || r.doc_id < docStart || r.doc_id >= docEnd) return `doc_id ${String(r.doc_id)} outside [${docStart}, ${docEnd})`;
  if (r.benchmark !== benchmark) return `benchmark ${String(r.benchmark)} is not ${benchmark}`;
  if (typeof r.metrics !== 'object' || r.metrics === null) return 'metrics missing';
  for (const [k, v] of Object.entries(r.metrics)) if (typeof v !== 'number' || !Number.isFinite(v)) return `metric ${k} is not a finite number`;
  return null;
}
