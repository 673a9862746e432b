import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dbConfig, requireDatabaseUrl } from '@app/config';
import { dataSourceOptions } from './data-source-options';
import { runMigrations } from './migrate';
import { REPOSITORIES } from './repositories';

/**
 * The Postgres connection for the api and results apps. Unless DB_SKIP_MIGRATIONS is set, pending
 * migrations run at start under an advisory lock (the embedded stack relies on this; production
 * deployments run `densebench migrate` as a separate step and set DB_SKIP_MIGRATIONS=true). It provides the
 * repositories, the only code that runs SQL, to every module (global).
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [dbConfig.KEY],
      useFactory: async (db: ConfigType<typeof dbConfig>) => {
        const url = requireDatabaseUrl(db);
        if (!db.skipMigrations) await runMigrations(url);
        return { ...dataSourceOptions(url, db.poolSize), migrations: [] };
      },
    }),
  ],
  providers: REPOSITORIES,
  exports: REPOSITORIES,
})
export class DatabaseModule {}
