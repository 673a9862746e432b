import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A task (or group) registered through POST /v1/benchmarks, stored as its lm-evaluation-harness style
 * YAML so every api, worker and results process registers the same definition.
 */
@Entity({ name: 'custom_benchmarks' })
export class CustomBenchmarkEntity {
  @PrimaryColumn({ type: 'text' }) name: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId: string;
  @Column({ type: 'text' }) yaml: string;
  /** sha256 of the YAML text. */
  @Column({ type: 'text' }) sha256: string;
  /** Names of the tasks and groups the YAML defines. */
  @Column({ type: 'text', array: true }) defines: string[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
