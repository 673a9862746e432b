import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A token a worker machine enrolls with ("dbe_<id>_<secret>"), created, expired and revoked by operators. */
@Entity({ name: 'enrollment_tokens' })
export class EnrollmentTokenEntity {
  @PrimaryColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'secret_hash', type: 'text' }) secretHash: string;
  /** Pools a worker enrolled with this token may serve (null: any). */
  @Column({ type: 'text', array: true, nullable: true }) pools: string[] | null;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt: Date | null;
}
