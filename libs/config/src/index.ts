export * from './env.schema';
export * from './namespaces';
export * from './install-paths';
export * from './config.module';
export * from './launcher';
