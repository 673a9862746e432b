import type { SqlStatements } from './sql';

/**
 * Every repository's statements, by aggregate. sql-catalog.spec.ts renders each aggregate to
 * `libs/database/sql/<aggregate>.sql`; a repository registers its statements here when it is written.
 */
export const SQL_CATALOG: Readonly<Record<string, SqlStatements>> = {};
