import { ArtifactEntity } from './artifact.entity';
import { CustomBenchmarkEntity } from './custom-benchmark.entity';
import { DensityEntity } from './density.entity';
import { DensityCalibrationEntity } from './density-calibration.entity';
import { DensityCalibrationRunEntity } from './density-calibration-run.entity';
import { DensityFitEntity } from './density-fit.entity';
import { DensityFitVersionEntity } from './density-fit-version.entity';
import { DensityImportEntity } from './density-import.entity';
import { DensityImportedScoreEntity } from './density-imported-score.entity';
import { DensityReferenceEntity } from './density-reference.entity';
import { DensityReferenceMemberEntity } from './density-reference-member.entity';
import { DensityReportEntity } from './density-report.entity';
import { ModelEntity } from './model.entity';
import { RunBenchmarkEntity } from './run-benchmark.entity';
import { RunEntity } from './run.entity';
import { RunEfficiencyEntity } from './run-efficiency.entity';
import { SampleEntity } from './sample.entity';
import { ShardEntity } from './shard.entity';
import { WorkerEntity } from './worker.entity';
import { ApiKeyEntity } from './api-key.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { EnrollmentTokenEntity } from './enrollment-token.entity';
import { ProjectEntity } from './project.entity';

export { ArtifactEntity, CustomBenchmarkEntity, ModelEntity, RunBenchmarkEntity, RunEntity, SampleEntity, ShardEntity, WorkerEntity };
export { ApiKeyEntity, AuditEntryEntity, EnrollmentTokenEntity, ProjectEntity };
export { DEFAULT_PROJECT_ID } from './project.entity';
export type { RequestedBenchmark } from './run.entity';
export {
  DensityCalibrationEntity,
  DensityCalibrationRunEntity,
  DensityEntity,
  DensityFitEntity,
  DensityFitVersionEntity,
  DensityImportEntity,
  DensityImportedScoreEntity,
  DensityReferenceEntity,
  DensityReferenceMemberEntity,
  DensityReportEntity,
  RunEfficiencyEntity,
};
export type { FitDataPoint } from './density-fit-version.entity';
export type { GivenMeasurement } from './density-reference-member.entity';
export type { DensityReportFile } from './density-report.entity';

export const ENTITIES = [ModelEntity, RunEntity, RunBenchmarkEntity, ShardEntity, SampleEntity, WorkerEntity, ArtifactEntity,
  DensityReferenceEntity, DensityReferenceMemberEntity, DensityFitVersionEntity, DensityImportEntity, DensityImportedScoreEntity,
  DensityEntity, RunEfficiencyEntity, DensityReportEntity, CustomBenchmarkEntity, DensityCalibrationEntity, DensityCalibrationRunEntity, DensityFitEntity,
  ProjectEntity, ApiKeyEntity, EnrollmentTokenEntity, AuditEntryEntity,
];
