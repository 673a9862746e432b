export * from './free-port';
export * from './embedded-s3';
export * from './embedded-redis';
export * from './embedded-postgres';
export * from './reach';
export * from './embedded-stack';
export * from './service-entry';
