import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { BackendSpec } from '@app/contracts';
import { numeric } from './transformers';

@Entity({ name: 'models' })
@Index('uq_models_project_name', ['projectId', 'name'], { unique: true })
export class ModelEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  /** Owning project (null: built in, visible to every project). */
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId: string | null;
  @Column({ name: 'params_total', type: 'bigint', transformer: numeric }) paramsTotal: number;
  @Column({ name: 'params_active', type: 'bigint', nullable: true, transformer: numeric }) paramsActive: number | null;
  @Column({ name: 'release_date', type: 'date', nullable: true }) releaseDate: string | null;
  @Column({ name: 'training_tokens', type: 'double precision', nullable: true }) trainingTokens: number | null;
  @Column({ name: 'price_input_per_m', type: 'double precision', nullable: true }) priceInputPerM: number | null;
  @Column({ name: 'price_output_per_m', type: 'double precision', nullable: true }) priceOutputPerM: number | null;
  @Column({ type: 'jsonb' }) backend: BackendSpec;
  /** general.architecture of the GGUF header, read at registration; null for other backends. */
  @Column({ type: 'text', nullable: true }) architecture: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
