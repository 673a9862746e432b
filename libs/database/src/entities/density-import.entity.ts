import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One imported file of results users already have: an lm-evaluation-harness results JSON or a CSV of published scores. */
@Entity({ name: 'density_imports' })
export class DensityImportEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Owning project (null: built in, visible to every project). */
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId: string | null;
  /** 'lm-eval' | 'csv'. */
  @Column({ type: 'text' }) format: string;
  @Column({ name: 'file_name', type: 'text', nullable: true }) fileName: string | null;
  @Column({ type: 'text', nullable: true }) source: string | null;
  /** lm-eval: git hash, date, versions, n-shot, config; csv: lines per model. */
  @Column({ type: 'jsonb', default: {} }) provenance: Record<string, unknown>;
  @CreateDateColumn({ name: 'imported_at', type: 'timestamptz' }) importedAt: Date;
}
