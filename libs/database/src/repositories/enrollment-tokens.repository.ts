import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EnrollmentTokenEntity } from '../entities/enrollment-token.entity';
import { returningRows, type SqlStatements } from './sql';

const COLUMNS = `id, name, secret_hash AS "secretHash", pools, created_by AS "createdBy", created_at AS "createdAt",
       expires_at AS "expiresAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

export const ENROLLMENT_TOKENS_SQL = {
  find_by_id: `SELECT ${COLUMNS} FROM enrollment_tokens WHERE id = $1`,
  insert: `
    INSERT INTO enrollment_tokens (id, name, secret_hash, expires_at, pools, created_by)
    VALUES ($1, $2, $3, $4, $5, $6)
    RETURNING ${COLUMNS}`,
  list: `SELECT ${COLUMNS} FROM enrollment_tokens ORDER BY created_at DESC`,
  touch_last_used: `UPDATE enrollment_tokens SET last_used_at = now() WHERE id = $1`,
  // A second revocation keeps the first one's time; the row comes back either way.
  revoke: `
    UPDATE enrollment_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
    RETURNING ${COLUMNS}`,
} satisfies SqlStatements;

export interface NewEnrollmentToken {
  id: string;
  name: string;
  secretHash: string;
  expiresAt: Date | null;
  pools: string[] | null;
  createdBy: string | null;
}

/** The enrollment_tokens table: tokens worker machines register with, stored hashed. */
@Injectable()
export class EnrollmentTokensRepository {
  constructor(private readonly db: DataSource) {}

  async findById(id: string): Promise<EnrollmentTokenEntity | null> {
    const [row] = await this.db.query(ENROLLMENT_TOKENS_SQL.find_by_id, [id]);
    return row ?? null;
  }

  async insert(t: NewEnrollmentToken): Promise<EnrollmentTokenEntity> {
    const [row] = await returningRows<EnrollmentTokenEntity>(this.db, ENROLLMENT_TOKENS_SQL.insert, [t.id, t.name, t.secretHash, t.expiresAt, t.pools, t.createdBy]);
    return row;
  }

  list(): Promise<EnrollmentTokenEntity[]> {
    return this.db.query(ENROLLMENT_TOKENS_SQL.list);
  }

  async touchLastUsed(id: string): Promise<void> {
    await this.db.query(ENROLLMENT_TOKENS_SQL.touch_last_used, [id]);
  }

  /** The token, revoked (now, unless it already was); null when there is no such token. */
  async revoke(id: string): Promise<EnrollmentTokenEntity | null> {
    const [row] = await returningRows<EnrollmentTokenEntity>(this.db, ENROLLMENT_TOKENS_SQL.revoke, [id]);
    return row ?? null;
  }
}
