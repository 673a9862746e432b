import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DensityImportEntity } from './density-import.entity';
import { ModelEntity } from './model.entity';

/** A score from an import. metric is the lm-eval key (acc, acc_norm, exact_match,strict-match) or null when published without one. */
@Entity({ name: 'density_imported_scores' })
@Index('idx_density_imported_scores_model', ['modelId', 'benchmark'])
export class DensityImportedScoreEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'import_id', type: 'uuid' }) importId: string;
  @Column({ name: 'model_id', type: 'uuid' }) modelId: string;
  @Column({ type: 'text' }) benchmark: string;
  @Column({ type: 'text', nullable: true }) metric: string | null;
  @Column({ type: 'double precision' }) value: number;
  @Column({ type: 'double precision', nullable: true }) stderr: number | null;
  @ManyToOne(() => DensityImportEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'import_id' }) import?: DensityImportEntity;
  @ManyToOne(() => ModelEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'model_id' }) model?: ModelEntity;
}
