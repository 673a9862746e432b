import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { DensityCalibrationEntity } from './density-calibration.entity';
import { RunEntity } from './run.entity';

/** A run a calibration submitted (one per member that is measured); looked up by run when the run ends. */
@Entity({ name: 'density_calibration_runs' })
@Index('idx_density_calibration_runs_run', ['runId'])
export class DensityCalibrationRunEntity {
  @PrimaryColumn({ name: 'calibration_id', type: 'uuid' }) calibrationId: string;
  @PrimaryColumn({ name: 'run_id', type: 'uuid' }) runId: string;
  @ManyToOne(() => DensityCalibrationEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'calibration_id' }) calibration?: DensityCalibrationEntity;
  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'run_id' }) run?: RunEntity;
}
