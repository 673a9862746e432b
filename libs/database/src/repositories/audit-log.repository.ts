import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEntryEntity } from '../entities/audit-entry.entity';
import { type SqlStatements } from './sql';

export const AUDIT_LOG_SQL = {
  insert: `
    INSERT INTO audit_log (actor_kind, actor_id, actor_name, project_id, action, target_id, status, ip)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
  // Newest first; a null filter is no filter. The page ends at `before` (an id) so pages stay stable while entries arrive.
  list: `
    SELECT id, at, actor_kind AS "actorKind", actor_id AS "actorId", actor_name AS "actorName", project_id AS "projectId",
           action, target_id AS "targetId", status, ip
      FROM audit_log
     WHERE ($1::text IS NULL OR starts_with(action, $1))
       AND ($2::bigint IS NULL OR id < $2)
     ORDER BY id DESC
     LIMIT $3`,
} satisfies SqlStatements;

export type NewAuditEntry = Omit<AuditEntryEntity, 'id' | 'at'>;

export interface AuditLogFilter {
  /** entries whose action starts with this text */
  action?: string;
  /** entries before this id (the next page) */
  before?: number;
  limit: number;
}

/** The audit_log table: append-only, read by admins. */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly db: DataSource) {}

  async insert(e: NewAuditEntry): Promise<void> {
    await this.db.query(AUDIT_LOG_SQL.insert, [e.actorKind, e.actorId, e.actorName, e.projectId, e.action, e.targetId, e.status, e.ip]);
  }

  list(f: AuditLogFilter): Promise<AuditEntryEntity[]> {
    return this.db.query(AUDIT_LOG_SQL.list, [f.action ?? null, f.before ?? null, f.limit]);
  }
}
