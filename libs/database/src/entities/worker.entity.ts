import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { WorkerStatus } from '@app/contracts';

@Entity({ name: 'workers' })
@Index('idx_workers_status', ['status'])
export class WorkerEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) hostname: string | null;
  @Column({ type: 'text', array: true }) pools: string[];
  @Column({ type: 'text', array: true }) backends: string[];
  @Column({ name: 'credential_hash', type: 'text' }) credentialHash: string;
  @Column({ type: 'text', default: WorkerStatus.Active }) status: WorkerStatus;
  @Column({ name: 'cost_per_hour', type: 'double precision', nullable: true }) costPerHour: number | null;
  /** Hardware and live figures from the last heartbeat: GPUs, CPU, RAM, loaded model, tokens/s. */
  @Column({ type: 'jsonb', default: {} }) info: Record<string, unknown>;
  @Column({ name: 'current_shard_id', type: 'uuid', nullable: true }) currentShardId: string | null;
  @Column({ name: 'last_heartbeat_at', type: 'timestamptz', nullable: true }) lastHeartbeatAt: Date | null;
  @CreateDateColumn({ name: 'registered_at', type: 'timestamptz' }) registeredAt: Date;
}
