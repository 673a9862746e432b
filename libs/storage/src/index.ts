export * from './artifact-store';
export * from './artifact-keys';
export * from './s3-client';
export * from './storage.module';
