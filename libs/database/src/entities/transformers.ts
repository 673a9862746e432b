import { ValueTransformer } from 'typeorm';

/** bigint/numeric columns come back from pg as strings; every value we store fits a double. */
export const numeric: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | null) => (v === null || v === undefined ? null : Number(v)),
};
