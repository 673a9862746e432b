import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DensityJobStatus } from '@app/contracts';
import { DensityReferenceEntity } from './density-reference.entity';

export interface DensityReportFile {
  name: string;
  key: string;
  contentType: string;
  sizeBytes: number;
}

/**
 * A report built for one leaderboard query: JSON, CSV and plots (SVG + PNG) stored in S3. The API records the request
 * (queued) and the results service builds it: queued → running → succeeded (files, summary) | failed (error).
 */
@Entity({ name: 'density_reports' })
export class DensityReportEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Owning project (null: built in, visible to every project). */
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId: string | null;
  /** Whose models the request saw: this project's and the built-in ones; null: every project's. */
  @Column({ name: 'scope_project_id', type: 'uuid', nullable: true }) scopeProjectId: string | null;
  @Column({ name: 'reference_id', type: 'uuid', nullable: true }) referenceId: string | null;
  @Column({ name: 'fit_version_id', type: 'uuid', nullable: true }) fitVersionId: string | null;
  @Column({ type: 'text', nullable: true }) title: string | null;
  /** The leaderboard query the report was built for. */
  @Column({ type: 'jsonb' }) query: Record<string, unknown>;
  @Column({ type: 'jsonb', default: [] }) files: DensityReportFile[];
  /** Row count, trend summary, and what could not be drawn and why. */
  @Column({ type: 'jsonb', default: {} }) summary: Record<string, unknown>;
  @Column({ type: 'text', default: DensityJobStatus.Succeeded }) status: DensityJobStatus;
  @Column({ type: 'text', nullable: true }) error: string | null;
  /** DENSITY_… of the density library, or a DomainException code. */
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @ManyToOne(() => DensityReferenceEntity, { onDelete: 'SET NULL' }) @JoinColumn({ name: 'reference_id' }) reference?: DensityReferenceEntity;
}
