import { API_KEYS_SQL } from './api-keys.repository';
import { ARTIFACTS_SQL } from './artifacts.repository';
import { AUDIT_LOG_SQL } from './audit-log.repository';
import { BUILTIN_REFERENCES_SQL } from './builtin-references.repository';
import { CUSTOM_BENCHMARKS_SQL } from './custom-benchmarks.repository';
import { DENSITIES_SQL } from './densities.repository';
import { DENSITY_CALIBRATIONS_SQL } from './density-calibrations.repository';
import { DENSITY_FITS_SQL } from './density-fits.repository';
import { DENSITY_IMPORTS_SQL } from './density-imports.repository';
import { DENSITY_LEADERBOARD_SQL } from './density-leaderboard.repository';
import { DENSITY_REFERENCES_SQL } from './density-references.repository';
import { DENSITY_REPORTS_SQL } from './density-reports.repository';
import { ENROLLMENT_TOKENS_SQL } from './enrollment-tokens.repository';
import { METRICS_SQL } from './metrics.repository';
import { PROJECTS_SQL } from './projects.repository';
import { RUNS_SQL } from './runs.repository';
import { SAMPLES_SQL } from './samples.repository';
import { SHARDS_SQL } from './shards.repository';
import { WORKERS_SQL } from './workers.repository';
import type { SqlStatements } from './sql';

/**
 * Every repository's statements, by aggregate. sql-catalog.spec.ts renders each aggregate to
 * `libs/database/sql/<aggregate>.sql`; a repository registers its statements here when it is written.
 */
export const SQL_CATALOG: Readonly<Record<string, SqlStatements>> = {
  api_keys: API_KEYS_SQL,
  artifacts: ARTIFACTS_SQL,
  audit_log: AUDIT_LOG_SQL,
  builtin_references: BUILTIN_REFERENCES_SQL,
  custom_benchmarks: CUSTOM_BENCHMARKS_SQL,
  densities: DENSITIES_SQL,
  density_calibrations: DENSITY_CALIBRATIONS_SQL,
  density_fits: DENSITY_FITS_SQL,
  density_imports: DENSITY_IMPORTS_SQL,
  density_leaderboard: DENSITY_LEADERBOARD_SQL,
  density_references: DENSITY_REFERENCES_SQL,
  density_reports: DENSITY_REPORTS_SQL,
  enrollment_tokens: ENROLLMENT_TOKENS_SQL,
  metrics: METRICS_SQL,
  projects: PROJECTS_SQL,
  runs: RUNS_SQL,
  samples: SAMPLES_SQL,
  shards: SHARDS_SQL,
  workers: WORKERS_SQL,
};
