import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { validateEnv } from './env.schema';
import { apiConfig, dbConfig, hubConfig, pathsConfig, queueConfig, redisConfig, s3Config, workerConfig } from './namespaces';

/** Global, validated configuration: boot fails with a readable message when a variable is invalid. */
@Module({})
export class AppConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validate: (raw) => {
            validateEnv(raw);
            return raw;
          },
          load: [dbConfig, redisConfig, s3Config, queueConfig, apiConfig, workerConfig, pathsConfig, hubConfig],
        }),
      ],
      exports: [ConfigModule],
    };
  }
}
