import { ARTIFACTS_SQL } from './artifacts.repository';
import { CUSTOM_BENCHMARKS_SQL } from './custom-benchmarks.repository';
import { RUNS_SQL } from './runs.repository';
import { SAMPLES_SQL } from './samples.repository';
import { SHARDS_SQL } from './shards.repository';
import type { SqlStatements } from './sql';

/**
 * Every repository's statements, by aggregate. sql-catalog.spec.ts renders each aggregate to
 * `libs/database/sql/<aggregate>.sql`; a repository registers its statements here when it is written.
 */
export const SQL_CATALOG: Readonly<Record<string, SqlStatements>> = {
  artifacts: ARTIFACTS_SQL,
  custom_benchmarks: CUSTOM_BENCHMARKS_SQL,
  runs: RUNS_SQL,
  samples: SAMPLES_SQL,
  shards: SHARDS_SQL,
};
