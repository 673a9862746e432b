/** Static queues. Shard queues are one per worker pool: see shardQueueName(). */
export enum QueueName {
  Results = 'results',
}

export const SHARD_QUEUE_PREFIX = 'shards-';

const POOL_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function isValidPool(pool: string): boolean {
  return POOL_PATTERN.test(pool);
}

/**
 * The queue of one pool (e.g. "h100", "cpu") and one backend kind (e.g. "llama-cpp"): a worker consumes
 * the queues of its pools × its backends, so it only ever takes shards it can run.
 */
export function shardQueueName(pool: string, backend: string): string {
  if (!isValidPool(pool)) throw new Error(`invalid pool name "${pool}" (lowercase letters, digits, - and _)`);
  if (!/^[a-z0-9-]+$/.test(backend)) throw new Error(`invalid backend kind "${backend}"`);
  return `${SHARD_QUEUE_PREFIX}${pool}.${backend}`;
}
