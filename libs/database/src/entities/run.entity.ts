import { ModelEntity } from './model.entity';
import { Column, JoinColumn, ManyToOne, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { BackendSpec, RunStatus } from '@app/contracts';
import { numeric } from './transformers';

export interface RequestedBenchmark {
  name: string;
  limit?: number;
  /** What a limit on a group caps: each subtask (default) or the whole group. */
  limitPer?: 'task' | 'group';
  numFewshot?: number;
}

@Entity({ name: 'runs' })
@Index('idx_runs_status_created', ['status', 'createdAt'])
@Index('idx_runs_model', ['modelId'])
// project-scoped lists, newest first (every member's and viewer's list filters on its project)
@Index('idx_runs_project_created', ['projectId', 'createdAt'])
@Index('uq_runs_project_idempotency_key', ['projectId', 'idempotencyKey'], { unique: true })
export class RunEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'model_id', type: 'uuid' }) modelId: string;
  @Column({ name: 'project_id', type: 'uuid' }) projectId: string;
  @Column({ type: 'text', default: RunStatus.Queued }) status: RunStatus;
  @Column({ type: 'text' }) pool: string;
  @Column({ type: 'int', default: 0 }) priority: number;
  /** Documents per shard; null: sized per benchmark by the service (autoShardSize). */
  @Column({ name: 'shard_size', type: 'int', nullable: true }) shardSize: number | null;
  @Column({ type: 'int' }) seed: number;
  @Column({ type: 'jsonb' }) benchmarks: RequestedBenchmark[];
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey: string | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  /** Aggregated results: benchmark → metric → { value, stderr, n }. */
  @Column({ type: 'jsonb', nullable: true }) metrics: Record<string, unknown> | null;
  @Column({ name: 'input_tokens', type: 'bigint', default: 0, transformer: numeric }) inputTokens: number;
  @Column({ name: 'output_tokens', type: 'bigint', default: 0, transformer: numeric }) outputTokens: number;
  @Column({ name: 'busy_ms', type: 'double precision', default: 0 }) busyMs: number;
  @Column({ name: 'wall_ms', type: 'double precision', nullable: true }) wallMs: number | null;
  @Column({ type: 'jsonb', nullable: true }) envelope: Record<string, unknown> | null;
  /** Re-scoring runs: the backend their shards use instead of the model's (the replay of the source run). */
  @Column({ name: 'backend_override', type: 'jsonb', nullable: true }) backendOverride: BackendSpec | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @ManyToOne(() => ModelEntity, { onDelete: 'RESTRICT' }) @JoinColumn({ name: 'model_id' }) model?: ModelEntity;
}
