import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { DensityReferenceEntity } from './density-reference.entity';
import { ModelEntity } from './model.entity';

/** Given (published) numbers for one benchmark; what is absent comes from the member's latest succeeded run. */
export interface GivenMeasurement {
  score?: number;
  loss?: number;
}

/** A registered model in a reference family: its loss (Step 1), its score (Step 2), or both. */
@Entity({ name: 'density_reference_members' })
@Index('uq_density_reference_members', ['referenceId', 'modelId'], { unique: true })
export class DensityReferenceMemberEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'reference_id', type: 'uuid' }) referenceId: string;
  @Column({ name: 'model_id', type: 'uuid' }) modelId: string;
  /** 'both' | 'loss' | 'performance'. */
  @Column({ type: 'text', default: 'both' }) role: string;
  @Column({ type: 'jsonb', default: {} }) measurements: Record<string, GivenMeasurement>;
  @ManyToOne(() => DensityReferenceEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'reference_id' }) reference?: DensityReferenceEntity;
  @ManyToOne(() => ModelEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'model_id' }) model?: ModelEntity;
}
