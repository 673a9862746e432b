import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A reference family for capability density (Densing Law): models of known size N trained on D tokens,
 * measured on the same benchmarks. Its fits are stored as immutable versions (density_fit_versions).
 */
@Entity({ name: 'density_references' })
export class DensityReferenceEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Owning project (null: built in, visible to every project). */
  @Column({ name: 'project_id', type: 'uuid', nullable: true }) projectId: string | null;
  @Column({ type: 'text', unique: true }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  /** D0 of Eq. 4: the token budget at which the family is read off. */
  @Column({ name: 'd0_tokens', type: 'double precision' }) d0Tokens: number;
  /** Default frontier rule of the density trend ('record' | 'running-max' | 'all'). */
  @Column({ name: 'frontier_rule', type: 'text', default: 'record' }) frontierRule: string;
  /** Benchmarks to calibrate; null: every benchmark the members have data for. */
  @Column({ type: 'text', array: true, nullable: true }) benchmarks: string[] | null;
  /** Benchmark → metric key of run_benchmarks.metrics (e.g. acc, acc_norm, exact_match,strict-match). */
  @Column({ type: 'jsonb', default: {} }) metrics: Record<string, string>;
  /** The leaderboard's reference when none is named. */
  @Column({ name: 'is_default', type: 'boolean', default: false }) isDefault: boolean;
  /** Whether runs are measured against this family when they finalize. */
  @Column({ name: 'at_run_end', type: 'boolean', default: true }) atRunEnd: boolean;
  /** The built-in family this reference was installed from ('pythia'); null for a user's own family. */
  @Column({ type: 'text', nullable: true }) builtin: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
