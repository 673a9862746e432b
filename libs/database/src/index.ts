export * from './entities';
export * from './database.module';
export * from './data-source-options';
export * from './migrate';
export * from './benchmark-key-sql';
export * from './pg-errors';
export * from './repositories';
