import { RunEntity } from './run.entity';
import { Column, JoinColumn, ManyToOne, Entity, PrimaryColumn } from 'typeorm';

/** One scored document; the full record lives in the shard's S3 artifact. Unique on (run, benchmark, doc). */
@Entity({ name: 'samples' })
export class SampleEntity {
  @PrimaryColumn({ name: 'run_id', type: 'uuid' }) runId: string;
  @PrimaryColumn({ type: 'text' }) benchmark: string;
  @PrimaryColumn({ name: 'doc_id', type: 'int' }) docId: number;
  @Column({ name: 'shard_id', type: 'uuid' }) shardId: string;
  @Column({ type: 'jsonb' }) metrics: Record<string, number>;
  @Column({ name: 'input_tokens', type: 'int', default: 0 }) inputTokens: number;
  @Column({ name: 'output_tokens', type: 'int', default: 0 }) outputTokens: number;
  @Column({ name: 'latency_ms', type: 'real', default: 0 }) latencyMs: number;
  @Column({ name: 'loss_nll', type: 'double precision', nullable: true }) lossNll: number | null;
  @Column({ name: 'loss_tokens', type: 'int', nullable: true }) lossTokens: number | null;
  @Column({ name: 'loss_bytes', type: 'int', nullable: true }) lossBytes: number | null;
  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_id' }) run?: RunEntity;
}
