import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';

/** Error kinds worth waiting out: the server unreachable or reset, 5xx, throttling. 4xx are answers. */
const RETRYABLE = new Set<RetryErrorInfo['errorType']>(['TRANSIENT', 'SERVER_ERROR', 'THROTTLING']);
const FIRST_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;

interface PatientToken extends RetryToken {
  readonly startedAt: number;
}

const token = (count: number, delay: number, startedAt: number): PatientToken => ({
  startedAt,
  getRetryCount: () => count,
  getRetryDelay: () => delay,
});

/**
 * The S3 client's retry strategy: exponential backoff with full jitter (200 ms doubling, capped at 5 s)
 * for as long as `forMs` since the request's first attempt, so that an S3 server restarting or briefly
 * unreachable delays an upload instead of failing a shard. Unlike the SDK's standard strategy it keeps
 * no shared retry quota: an outage must not use up the retries of every request in flight at once.
 * Streamed bodies are never retried by the SDK; multipart parts and buffers are.
 */
export class PatientRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'patient';

  constructor(
    readonly forMs: number,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, 0, this.now());
  }

  async refreshRetryTokenForRetry(previous: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const { startedAt } = previous as PatientToken;
    const count = previous.getRetryCount() + 1;
    const backoff = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (count - 1));
    const delay = Math.round(backoff * (0.5 + this.random() / 2));
    if (!RETRYABLE.has(info.errorType) || this.now() + delay - startedAt > this.forMs) {
      throw new Error(`no retry (${info.errorType}, ${count - 1} retries over ${this.now() - startedAt} ms)`);
    }
    return token(count, delay, startedAt);
  }

  recordSuccess(): void {
    // No quota to refill.
  }
}
