import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DensityReferenceEntity } from './density-reference.entity';

/** One data point a fit used: a member's score and loss on one benchmark, and where each came from. */
export interface FitDataPoint {
  modelId: string;
  model: string;
  params: number;
  tokens: number | null;
  role: string;
  benchmark: string;
  score: number | null;
  loss: number | null;
  /** 'given' or 'run:<uuid>'. */
  scoreSource: string | null;
  lossSource: string | null;
}

/**
 * An immutable fit of a reference family (calibrateReference's output, stored as is), with the data points
 * it used, its quality and the library that produced it. Never updated: a refit is a new version.
 */
@Entity({ name: 'density_fit_versions' })
@Index('uq_density_fit_versions_reference_version', ['referenceId', 'version'], { unique: true })
export class DensityFitVersionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'reference_id', type: 'uuid' }) referenceId: string;
  @Column({ type: 'int' }) version: number;
  @Column({ name: 'd0_tokens', type: 'double precision' }) d0Tokens: number;
  /** Benchmark → metric key whose values were fitted (and are read for every later density). */
  @Column({ type: 'jsonb' }) metrics: Record<string, string>;
  /** The library's ReferenceCalibration (schemaVersion, params, standard errors, quality, warnings). */
  @Column({ type: 'jsonb' }) calibration: Record<string, unknown>;
  @Column({ name: 'data_points', type: 'jsonb' }) dataPoints: FitDataPoint[];
  /** Benchmark (and AVERAGE) → R², RMSE, n, converged of the loss and performance fits. */
  @Column({ type: 'jsonb' }) quality: Record<string, unknown>;
  @Column({ type: 'jsonb', default: [] }) warnings: string[];
  /** Which library produced it: schema version, method and equations. */
  @Column({ type: 'jsonb' }) library: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @ManyToOne(() => DensityReferenceEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'reference_id' }) reference?: DensityReferenceEntity;
}
