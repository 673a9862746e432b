import { RunEntity } from './run.entity';
import { Column, JoinColumn, ManyToOne, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'run_benchmarks' })
@Index('uq_run_benchmarks_run_name', ['runId', 'name'], { unique: true })
export class RunBenchmarkEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'run_id', type: 'uuid' }) runId: string;
  @Column({ type: 'text' }) name: string;
  /** A group (e.g. mmlu, mmlu_stem): no shards of its own; its metrics aggregate its subtasks'. */
  @Column({ name: 'is_group', type: 'boolean', default: false }) isGroup: boolean;
  @Column({ name: 'num_fewshot', type: 'int', nullable: true }) numFewshot: number | null;
  @Column({ name: 'doc_limit', type: 'int', nullable: true }) limit: number | null;
  @Column({ name: 'total_samples', type: 'int' }) totalSamples: number;
  @Column({ name: 'done_samples', type: 'int', default: 0 }) doneSamples: number;
  /** metric → { value, stderr, n } once the run is finalized. */
  @Column({ type: 'jsonb', nullable: true }) metrics: Record<string, { value: number; stderr: number | null; n: number }> | null;
  /** Task version, hashes and settings that produced the numbers. */
  @Column({ name: 'task_info', type: 'jsonb', nullable: true }) taskInfo: Record<string, unknown> | null;
  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_id' }) run?: RunEntity;
}
