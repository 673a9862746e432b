import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CalibrationStatus } from '@app/contracts';
import { DensityFitVersionEntity } from './density-fit-version.entity';
import { DensityReferenceEntity } from './density-reference.entity';
import type { RequestedBenchmark } from './run.entity';

/**
 * A calibration of a reference family (the paper's method): runs of its members on the chosen benchmarks, then the
 * two-step fit on their measured conditional losses and scores, stored as a new fit version of the family.
 * running → fitting → succeeded (fit_version_id set) | failed (error, error_code set).
 */
@Entity({ name: 'density_calibrations' })
@Index('idx_density_calibrations_reference_created', ['referenceId', 'createdAt'])
@Index('idx_density_calibrations_status', ['status'])
export class DensityCalibrationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Owning project (null: built in, visible to every project). */
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId: string | null;
  @Column({ name: 'reference_id', type: 'uuid' }) referenceId: string;
  @Column({ type: 'text', default: CalibrationStatus.Running }) status: CalibrationStatus;
  /** As requested: names, limits and few-shot counts (every member's run gets the same). */
  @Column({ type: 'jsonb' }) benchmarks: RequestedBenchmark[];
  /** The benchmark keys fitted (benchmarkKey: mmlu@5-shot), one per requested benchmark. */
  @Column({ name: 'benchmark_keys', type: 'text', array: true }) benchmarkKeys: string[];
  @Column({ type: 'text' }) pool: string;
  @Column({ type: 'int', default: 0 }) priority: number;
  @Column({ name: 'shard_size', type: 'int', nullable: true }) shardSize: number | null;
  @Column({ type: 'int' }) seed: number;
  @Column({ name: 'idempotency_key', type: 'text', nullable: true, unique: true }) idempotencyKey: string | null;
  /** The version it produced (succeeded only). */
  @Column({ name: 'fit_version_id', type: 'uuid', nullable: true }) fitVersionId: string | null;
  /** Why it failed: a run's failure, or the fit's refusal. */
  @Column({ type: 'text', nullable: true }) error: string | null;
  /** run_failed, run_cancelled, queue_unavailable, invalid_input or the density library's code (DENSITY_…). */
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @ManyToOne(() => DensityReferenceEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'reference_id' }) reference?: DensityReferenceEntity;
  @ManyToOne(() => DensityFitVersionEntity, { onDelete: 'SET NULL' }) @JoinColumn({ name: 'fit_version_id' }) fitVersion?: DensityFitVersionEntity;
}
