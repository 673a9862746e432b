export * from './test-env';
export * from './wait';
export * from './worker-process';
export * from './test-apps';
export * from './fixtures';
export * from './runs';
export * from './processes';
export * from './sse';
