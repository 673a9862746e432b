export * from './queue-names';
export * from './job-names';
export * from './job-policies';
export * from './worker-config';
export * from './redis-connection';
export * from './queue.module';
export * from './pool-queues';
export * from './rows-handoff';
