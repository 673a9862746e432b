import type { Provider } from '@nestjs/common';
import { ArtifactsRepository } from './artifacts.repository';
import { CustomBenchmarksRepository } from './custom-benchmarks.repository';
import { ModelsRepository } from './models.repository';
import { RunsRepository } from './runs.repository';
import { SamplesRepository } from './samples.repository';
import { ShardsRepository } from './shards.repository';

export * from './sql';
export * from './sql-catalog';
export * from './artifacts.repository';
export * from './custom-benchmarks.repository';
export * from './models.repository';
export * from './runs.repository';
export * from './samples.repository';
export * from './shards.repository';

/**
 * The repositories DatabaseModule provides: one per aggregate, each the only code that runs SQL on its tables.
 * A repository takes the DataSource in its constructor (Nest injects TypeORM's; bench/ and scripts pass their own).
 */
export const REPOSITORIES: Provider[] = [ArtifactsRepository, CustomBenchmarksRepository, ModelsRepository, RunsRepository, SamplesRepository, ShardsRepository];
