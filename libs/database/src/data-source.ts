/**
 * The DataSource for the TypeORM CLI only, e.g.
 *   npx typeorm migration:generate -d dist/libs/database/src/data-source.js migrations/AddSomething
 *   npx typeorm migration:run -d dist/libs/database/src/data-source.js
 * The services use DatabaseModule; `densebench migrate` runs migrations under an advisory lock.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { dbConfigFrom, loadEnv, requireDatabaseUrl } from '@app/config';
import { dataSourceOptions } from './data-source-options';

export default new DataSource(dataSourceOptions(requireDatabaseUrl(dbConfigFrom(loadEnv()))));
