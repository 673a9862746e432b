import { Global, Logger, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { hubConfig, pathsConfig } from '@app/config';
import { progressLogger } from '@app/files';
import { TaskRegistry, TaskRegistryOptions } from './registry';

/**
 * Optional provider of TaskRegistryOptions (openS3, dataset cache, fetch, extra functions), for the
 * module that owns S3 to supply: `{ provide: TASK_REGISTRY_OPTIONS, useFactory: … }` in a global module.
 */
export const TASK_REGISTRY_OPTIONS = Symbol('TASK_REGISTRY_OPTIONS');

/**
 * Provides the task registry over the configured data roots (DENSEBENCH_DATA_DIR first), with hf://
 * data files downloaded into the Hugging Face cache; every process (api, worker, results) resolves alike.
 */
@Global()
@Module({
  providers: [
    {
      provide: TaskRegistry,
      inject: [pathsConfig.KEY, hubConfig.KEY, { token: TASK_REGISTRY_OPTIONS, optional: true }],
      useFactory: (paths: ConfigType<typeof pathsConfig>, hub: ConfigType<typeof hubConfig>, options?: TaskRegistryOptions) => {
        const logger = new Logger('Datasets');
        return new TaskRegistry(paths.dataRoots, { hub: { ...hub, onProgress: progressLogger((l) => logger.log(l)) }, ...options });
      },
    },
  ],
  exports: [TaskRegistry],
})
export class BenchmarksModule {}
