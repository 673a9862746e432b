import type { Provider } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository';
import { AuditLogRepository } from './audit-log.repository';
import { EnrollmentTokensRepository } from './enrollment-tokens.repository';
import { MetricsRepository } from './metrics.repository';
import { ProjectsRepository } from './projects.repository';
import { WorkersRepository } from './workers.repository';

export * from './sql';
export * from './sql-catalog';
export * from './api-keys.repository';
export * from './audit-log.repository';
export * from './enrollment-tokens.repository';
export * from './metrics.repository';
export * from './projects.repository';
export * from './workers.repository';

/**
 * The repositories DatabaseModule provides: one per aggregate, each the only code that runs SQL on its tables.
 * A repository takes the DataSource in its constructor (Nest injects TypeORM's; bench/ and scripts pass their own).
 */
export const REPOSITORIES: Provider[] = [
  ApiKeysRepository,
  AuditLogRepository,
  EnrollmentTokensRepository,
  MetricsRepository,
  ProjectsRepository,
  WorkersRepository,
];
