/** Test-only: where the real benchmark data lives (env DENSEBENCH_DATA_DIR, default /work/shared/data). */
export const DATA_DIR = process.env.DENSEBENCH_DATA_DIR ?? '/work/shared/data';
