import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { type Queryable, returningRows, type SqlStatements } from './sql';

const COLUMNS = `id, name, role, project_id AS "projectId", secret_hash AS "secretHash", created_by AS "createdBy",
       created_at AS "createdAt", expires_at AS "expiresAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

export const API_KEYS_SQL = {
  find_by_id: `SELECT ${COLUMNS} FROM api_keys WHERE id = $1`,
  insert: `
    INSERT INTO api_keys (id, name, role, project_id, secret_hash, expires_at, created_by)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    RETURNING ${COLUMNS}`,
  list: `SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC`,
  touch_last_used: `UPDATE api_keys SET last_used_at = now() WHERE id = $1`,
  // A second revocation keeps the first one's time; the row comes back either way.
  revoke: `
    UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
    RETURNING ${COLUMNS}`,
} satisfies SqlStatements;

export interface NewApiKey {
  id: string;
  name: string;
  role: string;
  projectId: string | null;
  secretHash: string;
  expiresAt: Date | null;
  createdBy: string | null;
}

/** The api_keys table: keys are stored hashed; verification and roles live in @app/auth. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly db: DataSource) {}

  async findById(id: string): Promise<ApiKeyEntity | null> {
    const [row] = await this.db.query(API_KEYS_SQL.find_by_id, [id]);
    return row ?? null;
  }

  async insert(k: NewApiKey, tx: Queryable = this.db): Promise<ApiKeyEntity> {
    const [row] = await returningRows<ApiKeyEntity>(tx, API_KEYS_SQL.insert, [k.id, k.name, k.role, k.projectId, k.secretHash, k.expiresAt, k.createdBy]);
    return row;
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.db.query(API_KEYS_SQL.list);
  }

  async touchLastUsed(id: string): Promise<void> {
    await this.db.query(API_KEYS_SQL.touch_last_used, [id]);
  }

  /** The key, revoked (now, unless it already was); null when there is no such key. */
  async revoke(id: string): Promise<ApiKeyEntity | null> {
    const [row] = await returningRows<ApiKeyEntity>(this.db, API_KEYS_SQL.revoke, [id]);
    return row ?? null;
  }
}
