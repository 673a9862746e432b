import { QueryFailedError } from 'typeorm';

/** Postgres' SQLSTATE for a unique constraint violated (two writers raced to one key). */
export const PG_UNIQUE_VIOLATION = '23505';

export const isUniqueViolation = (err: unknown): boolean => err instanceof QueryFailedError && (err as { code?: string }).code === PG_UNIQUE_VIOLATION;
