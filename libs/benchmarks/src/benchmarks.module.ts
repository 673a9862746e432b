import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { pathsConfig } from '@app/config';
import { TaskRegistry, TaskRegistryOptions } from './registry';

/**
 * Optional provider of TaskRegistryOptions (openS3, dataset cache, fetch, extra functions), for the
 * module that owns S3 to supply: `{ provide: TASK_REGISTRY_OPTIONS, useFactory: … }` in a global module.
 */
export const TASK_REGISTRY_OPTIONS = Symbol('TASK_REGISTRY_OPTIONS');

/** Provides the task registry over the configured data dir (DENSEBENCH_DATA_DIR). */
@Global()
@Module({
  providers: [
    {
      provide: TaskRegistry,
      inject: [pathsConfig.KEY, { token: TASK_REGISTRY_OPTIONS, optional: true }],
      useFactory: (paths: ConfigType<typeof pathsConfig>, options?: TaskRegistryOptions) => new TaskRegistry(paths.dataDir, options ?? {}),
    },
  ],
  exports: [TaskRegistry],
})
export class BenchmarksModule {}
