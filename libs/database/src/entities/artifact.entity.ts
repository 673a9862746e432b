import { RunEntity } from './run.entity';
import { Column, JoinColumn, ManyToOne, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ArtifactKind } from '@app/contracts';
import { numeric } from './transformers';

@Entity({ name: 'artifacts' })
@Index('idx_artifacts_run', ['runId'])
export class ArtifactEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'run_id', type: 'uuid' }) runId: string;
  @Column({ type: 'text' }) kind: ArtifactKind;
  @Column({ type: 'text', unique: true }) key: string;
  @Column({ name: 'content_type', type: 'text' }) contentType: string;
  @Column({ name: 'size_bytes', type: 'bigint', transformer: numeric }) sizeBytes: number;
  @Column({ type: 'text', nullable: true }) benchmark: string | null;
  @Column({ name: 'shard_id', type: 'uuid', nullable: true }) shardId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_id' }) run?: RunEntity;
}
