import { API_KEYS_SQL } from './api-keys.repository';
import { AUDIT_LOG_SQL } from './audit-log.repository';
import { ENROLLMENT_TOKENS_SQL } from './enrollment-tokens.repository';
import { METRICS_SQL } from './metrics.repository';
import { PROJECTS_SQL } from './projects.repository';
import { WORKERS_SQL } from './workers.repository';
import type { SqlStatements } from './sql';

/**
 * Every repository's statements, by aggregate. sql-catalog.spec.ts renders each aggregate to
 * `libs/database/sql/<aggregate>.sql`; a repository registers its statements here when it is written.
 */
export const SQL_CATALOG: Readonly<Record<string, SqlStatements>> = {
  api_keys: API_KEYS_SQL,
  audit_log: AUDIT_LOG_SQL,
  enrollment_tokens: ENROLLMENT_TOKENS_SQL,
  metrics: METRICS_SQL,
  projects: PROJECTS_SQL,
  workers: WORKERS_SQL,
};
