import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DensityJobStatus } from '@app/contracts';
import { DensityFitVersionEntity } from './density-fit-version.entity';
import { DensityReferenceEntity } from './density-reference.entity';

/**
 * A request to fit a reference family on what Postgres holds (POST …/fit), done by the results service:
 * queued → running → succeeded (fit_version_id: the version it stored) | failed (error, error_code, error_details).
 */
@Entity({ name: 'density_fits' })
@Index('idx_density_fits_reference_created', ['referenceId', 'createdAt'])
export class DensityFitEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** The project of the key that asked (null: a global key). */
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId: string | null;
  @Column({ name: 'reference_id', type: 'uuid' }) referenceId: string;
  @Column({ type: 'text', default: DensityJobStatus.Queued }) status: DensityJobStatus;
  @Column({ name: 'fit_version_id', type: 'uuid', nullable: true }) fitVersionId: string | null;
  /** The recompute-densities job enqueued for the version. */
  @Column({ name: 'recompute_job_id', type: 'text', nullable: true }) recomputeJobId: string | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  /** DENSITY_… of the density library, or a DomainException code. */
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode: string | null;
  @Column({ name: 'error_details', type: 'jsonb', nullable: true }) errorDetails: Record<string, unknown> | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @ManyToOne(() => DensityReferenceEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'reference_id' }) reference?: DensityReferenceEntity;
  @ManyToOne(() => DensityFitVersionEntity, { onDelete: 'SET NULL' }) @JoinColumn({ name: 'fit_version_id' }) fitVersion?: DensityFitVersionEntity;
}
