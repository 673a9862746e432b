import { RunBenchmarkEntity } from './run-benchmark.entity';
import { RunEntity } from './run.entity';
import { Column, JoinColumn, ManyToOne, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ShardStatus } from '@app/contracts';

@Entity({ name: 'shards' })
@Index('idx_shards_run_status', ['runId', 'status'])
@Index('idx_shards_run_benchmark', ['runBenchmarkId'])
export class ShardEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'run_id', type: 'uuid' }) runId: string;
  @Column({ name: 'run_benchmark_id', type: 'uuid' }) runBenchmarkId: string;
  @Column({ type: 'text' }) benchmark: string;
  @Column({ name: 'shard_index', type: 'int' }) index: number;
  @Column({ name: 'doc_start', type: 'int' }) docStart: number;
  @Column({ name: 'doc_end', type: 'int' }) docEnd: number;
  @Column({ type: 'text', default: ShardStatus.Pending }) status: ShardStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ name: 'worker_id', type: 'uuid', nullable: true }) workerId: string | null;
  @Column({ name: 'done_samples', type: 'int', default: 0 }) doneSamples: number;
  /** Output tokens per second of the running shard, as its worker last reported it. */
  @Column({ name: 'output_tokens_per_s', type: 'double precision', nullable: true }) outputTokensPerSecond: number | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'artifact_key', type: 'text' }) artifactKey: string;
  /** What produced the shard's samples, as the worker reported it: backend, engine, model hash, task hashes, machine. */
  @Column({ type: 'jsonb', nullable: true }) envelope: Record<string, unknown> | null;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  @Column({ name: 'ingested_at', type: 'timestamptz', nullable: true }) ingestedAt: Date | null;
  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_id' }) run?: RunEntity;
  @ManyToOne(() => RunBenchmarkEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_benchmark_id' }) runBenchmark?: RunBenchmarkEntity;
}
