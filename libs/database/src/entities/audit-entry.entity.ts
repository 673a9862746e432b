import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who did what, when, from where: every request that changes something, and every refusal of one. */
@Entity({ name: 'audit_log' })
@Index('idx_audit_log_at', ['at'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @CreateDateColumn({ type: 'timestamptz' }) at: Date;
  /** key | worker | anonymous */
  @Column({ name: 'actor_kind', type: 'text' }) actorKind: string;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ name: 'actor_name', type: 'text', nullable: true }) actorName: string | null;
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId: string | null;
  /** "POST /v1/runs/:id/cancel" */
  @Column({ type: 'text' }) action: string;
  @Column({ name: 'target_id', type: 'text', nullable: true }) targetId: string | null;
  @Column({ type: 'int' }) status: number;
  @Column({ type: 'text', nullable: true }) ip: string | null;
}
