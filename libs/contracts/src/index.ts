export * from './enums';
export * from './errors';
export * from './backend-spec';
export * from './shard-spec';
export * from './sample-record';
export * from './requests';
export * from './request-key';
export * from './sample-rows';
