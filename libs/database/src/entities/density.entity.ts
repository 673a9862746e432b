import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DensityFitVersionEntity } from './density-fit-version.entity';
import { ModelEntity } from './model.entity';
import { RunEntity } from './run.entity';

/**
 * Capability density of one subject (a model, from its best-known scores, or one run) against one fit version,
 * per benchmark and for the AVERAGE headline. When the method gives no number, density is null and
 * undefined_reason says why (score at chance, above the ceiling, missing score, ...).
 */
@Entity({ name: 'densities' })
@Index('uq_densities_subject', ['fitVersionId', 'subjectKind', 'subjectId', 'benchmark'], { unique: true })
@Index('idx_densities_run', ['runId'])
@Index('idx_densities_model', ['modelId'])
export class DensityEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'fit_version_id', type: 'uuid' }) fitVersionId: string;
  @Column({ name: 'reference_id', type: 'uuid' }) referenceId: string;
  /** 'model' | 'run'. */
  @Column({ name: 'subject_kind', type: 'text' }) subjectKind: string;
  /** The model id or the run id. */
  @Column({ name: 'subject_id', type: 'uuid' }) subjectId: string;
  @Column({ name: 'model_id', type: 'uuid' }) modelId: string;
  @Column({ name: 'run_id', type: 'uuid', nullable: true }) runId: string | null;
  @Column({ type: 'text' }) benchmark: string;
  @Column({ type: 'text', nullable: true }) metric: string | null;
  @Column({ type: 'double precision', nullable: true }) score: number | null;
  /** 'run:<uuid>' | 'import:<uuid>' | 'mixed' (AVERAGE over several sources). */
  @Column({ name: 'score_source', type: 'text', nullable: true }) scoreSource: string | null;
  @Column({ type: 'double precision' }) params: number;
  @Column({ name: 'loss_hat', type: 'double precision', nullable: true }) lossHat: number | null;
  @Column({ name: 'effective_params', type: 'double precision', nullable: true }) effectiveParams: number | null;
  @Column({ type: 'double precision', nullable: true }) density: number | null;
  @Column({ name: 'undefined_reason', type: 'text', nullable: true }) undefinedReason: string | null;
  @Column({ type: 'text', nullable: true }) message: string | null;
  @Column({ type: 'jsonb', nullable: true }) extrapolated: { params: boolean; loss: boolean } | null;
  @Column({ name: 'computed_at', type: 'timestamptz', default: () => 'now()' }) computedAt: Date;
  @ManyToOne(() => DensityFitVersionEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'fit_version_id' }) fitVersion?: DensityFitVersionEntity;
  @ManyToOne(() => ModelEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'model_id' }) model?: ModelEntity;
  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_id' }) run?: RunEntity;
}
