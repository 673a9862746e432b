import { DataSource, EntityManager } from 'typeorm';

/** What a repository runs its SQL on: the pool, or the manager of a transaction it was handed. */
export type Queryable = DataSource | EntityManager;

/**
 * A repository's statements by name. Every statement a repository runs is one of these (or built by one of its
 * functions from fixed fragments), so `libs/database/sql/<aggregate>.sql` can hold them all for review: a changed
 * query shows up in the diff of that file (see sql-catalog.spec.ts).
 */
export type SqlStatements = Readonly<Record<string, string>>;

/**
 * Rows of a data-modifying statement with RETURNING. TypeORM's `query()` answers a bare UPDATE or DELETE … RETURNING
 * with `[rows, affectedCount]` but an INSERT … RETURNING or a SELECT with plain rows; this accepts either, so callers
 * need not know which statement kind they ran.
 */
export async function returningRows<T>(db: Queryable, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await db.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return result as T[];
}

/** The entity manager of a Queryable: TypeORM's entity methods (save, insert, update) live on the manager. */
export const managerOf = (q: Queryable): EntityManager => (q instanceof DataSource ? q.manager : q);
