import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { RunEntity } from './run.entity';

/**
 * Token value, cost density and compute density of one run, per benchmark and pooled over the run ('ALL').
 * The library's outcomes are stored as is (value or reason); the three sort keys are copied into columns.
 */
@Entity({ name: 'run_efficiency' })
@Index('uq_run_efficiency_run_benchmark', ['runId', 'benchmark'], { unique: true })
export class RunEfficiencyEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'run_id', type: 'uuid' }) runId: string;
  @Column({ type: 'text' }) benchmark: string;
  @Column({ type: 'text', nullable: true }) metric: string | null;
  @Column({ type: 'double precision' }) score: number;
  @Column({ type: 'int' }) items: number;
  @Column({ name: 'input_tokens', type: 'double precision' }) inputTokens: number;
  @Column({ name: 'output_tokens', type: 'double precision' }) outputTokens: number;
  @Column({ name: 'busy_ms', type: 'double precision' }) busyMs: number;
  @Column({ name: 'cost_usd', type: 'double precision', nullable: true }) costUsd: number | null;
  /** The pricing used (API prices per 1M tokens, or workers' $/hour × busy time), or why there is none. */
  @Column({ type: 'jsonb' }) pricing: Record<string, unknown>;
  @Column({ name: 'token_value', type: 'jsonb' }) tokenValue: Record<string, unknown>;
  @Column({ name: 'cost_density', type: 'jsonb' }) costDensity: Record<string, unknown>;
  @Column({ name: 'compute_density', type: 'jsonb' }) computeDensity: Record<string, unknown>;
  /** Correct answers per 1k generated tokens. */
  @Column({ name: 'score_per_1k_output_tokens', type: 'double precision', nullable: true }) scorePer1kOutputTokens: number | null;
  @Column({ name: 'score_per_dollar', type: 'double precision', nullable: true }) scorePerDollar: number | null;
  @Column({ name: 'score_per_tflop', type: 'double precision', nullable: true }) scorePerTflop: number | null;
  @Column({ name: 'computed_at', type: 'timestamptz', default: () => 'now()' }) computedAt: Date;
  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_id' }) run?: RunEntity;
}
