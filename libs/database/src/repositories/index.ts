import type { Provider } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository';
import { ArtifactsRepository } from './artifacts.repository';
import { AuditLogRepository } from './audit-log.repository';
import { BuiltinReferencesRepository } from './builtin-references.repository';
import { CustomBenchmarksRepository } from './custom-benchmarks.repository';
import { DensitiesRepository } from './densities.repository';
import { DensityCalibrationsRepository } from './density-calibrations.repository';
import { DensityFitsRepository } from './density-fits.repository';
import { DensityImportsRepository } from './density-imports.repository';
import { DensityLeaderboardRepository } from './density-leaderboard.repository';
import { DensityReferencesRepository } from './density-references.repository';
import { DensityReportsRepository } from './density-reports.repository';
import { EnrollmentTokensRepository } from './enrollment-tokens.repository';
import { MetricsRepository } from './metrics.repository';
import { ModelsRepository } from './models.repository';
import { ProjectsRepository } from './projects.repository';
import { RunsRepository } from './runs.repository';
import { SamplesRepository } from './samples.repository';
import { ShardsRepository } from './shards.repository';
import { WorkersRepository } from './workers.repository';

export * from './sql';
export * from './sql-catalog';
export * from './api-keys.repository';
export * from './artifacts.repository';
export * from './audit-log.repository';
export * from './builtin-references.repository';
export * from './custom-benchmarks.repository';
export * from './densities.repository';
export * from './density-calibrations.repository';
export * from './density-fits.repository';
export * from './density-imports.repository';
export * from './density-leaderboard.repository';
export * from './density-references.repository';
export * from './density-reports.repository';
export * from './enrollment-tokens.repository';
export * from './metrics.repository';
export * from './models.repository';
export * from './projects.repository';
export * from './runs.repository';
export * from './samples.repository';
export * from './shards.repository';
export * from './workers.repository';

/**
 * The repositories DatabaseModule provides: one per aggregate, each the only code that runs SQL on its tables.
 * A repository takes the DataSource in its constructor (Nest injects TypeORM's; bench/ and scripts pass their own).
 */
export const REPOSITORIES: Provider[] = [
  ApiKeysRepository,
  ArtifactsRepository,
  AuditLogRepository,
  BuiltinReferencesRepository,
  CustomBenchmarksRepository,
  DensitiesRepository,
  DensityCalibrationsRepository,
  DensityFitsRepository,
  DensityImportsRepository,
  DensityLeaderboardRepository,
  DensityReferencesRepository,
  DensityReportsRepository,
  EnrollmentTokensRepository,
  MetricsRepository,
  ModelsRepository,
  ProjectsRepository,
  RunsRepository,
  SamplesRepository,
  ShardsRepository,
  WorkersRepository,
];
