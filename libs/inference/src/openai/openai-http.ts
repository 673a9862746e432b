import { DomainException, ErrorCode } from '@app/contracts';
import { Semaphore } from '../semaphore';

export interface OpenAiHttpOptions {
  /** The OpenAI base URL without a trailing slash, e.g. http://host:8000/v1. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never logged nor put in error messages. */
  apiKey?: string;
  /** Per attempt (the whole response, a stream included). */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First retry delay; doubles per retry with jitter, capped at maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs?: number;
  /** Requests in flight at once (every endpoint counts). */
  concurrency: number;
  /** Told about each retry (for logs). */
  onRetry?: (info: { url: string; attempt: number; delayMs: number; reason: string }) => void;
}

export interface StreamHandler {
  /** A (new) attempt's response starts: forget what an earlier, failed attempt streamed. */
  begin(): void;
  /** One event; returns whether it carried output (for the time to first token). */
  event(json: unknown): boolean;
}

export interface HttpStats {
  requests: number;
  retries: number;
}

/** Longest Retry-After we honour; a server asking for longer gets this (the attempt budget still bounds the total). */
const MAX_RETRY_AFTER_MS = 120_000;
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** An HTTP answer that is not 2xx. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly bodyExcerpt: string,
    readonly retryAfterMs: number | null,
  ) {
    super(`HTTP ${status} from ${url}${bodyExcerpt ? `: ${bodyExcerpt}` : ''}`);
    this.name = 'HttpStatusError';
  }
}

/** Retry-After as seconds or an HTTP date → ms to wait (null when absent or unreadable). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.min(MAX_RETRY_AFTER_MS, Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random. */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  const d = Math.min(capMs, baseMs * 2 ** attempt);
  return d / 2 + random() * (d / 2);
}

function isConnectionError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.code && CONNECTION_CODES.has(e.code)) return true;
  if (e?.cause?.code && CONNECTION_CODES.has(e.cause.code)) return true;
  // undici: "fetch failed" (connect errors) and "terminated" (the body stream broke) are TypeErrors
  // (by name: they may come from another realm than ours, e.g. under jest).
  return e?.name === 'TypeError';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const cancelled = (what: string, signal: AbortSignal): DomainException =>
  new DomainException(ErrorCode.Cancelled, `${what} cancelled: ${signal.reason instanceof Error ? signal.reason.message : String(signal.reason)}`);

/**
 * HTTP to an OpenAI-compatible server: a semaphore bounds requests in flight; each attempt has its
 * own timeout combined with the caller's signal (AbortSignal.any); 429, 408/425, 5xx, timeouts and
 * connection errors are retried with exponential backoff and jitter, honouring Retry-After; other
 * statuses fail at once. After the last attempt the error says how many attempts failed and why.
 */
export class OpenAiHttp {
  readonly semaphore: Semaphore;
  readonly stats: HttpStats = { requests: 0, retries: 0 };
  private readonly headers: Record<string, string>;

  constructor(private readonly opts: OpenAiHttpOptions) {
    this.semaphore = new Semaphore(opts.concurrency);
    this.headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    if (opts.apiKey) this.headers.authorization = `Bearer ${opts.apiKey}`;
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  /** The server's root (the base URL without a final /v1): where /tokenize lives. */
  get rootUrl(): string {
    return this.opts.baseUrl.replace(/\/v1$/, '');
  }

  async getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
    return this.request(url, 'GET', undefined, signal, async (res) => (await res.json()) as T);
  }

  async postJson<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
    return this.request(url, 'POST', body, signal, async (res) => {
      const text = await res.text();
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new DomainException(ErrorCode.Internal, `${url} answered with invalid JSON: ${text.slice(0, 200)}`);
      }
    });
  }

  /**
   * POST with `stream: true`: handler.begin() at each attempt's response, then handler.event() for
   * every server-sent event's JSON (a server that answers with plain JSON instead gets one call).
   * Returns the time to the first event that handler.event() says carried output, and the total
   * time, both measured from the start of the successful attempt.
   */
  async postStream(url: string, body: unknown, handler: StreamHandler, signal?: AbortSignal): Promise<{ ttftMs: number | null; totalMs: number }> {
    return this.request(url, 'POST', body, signal, async (res, t0) => {
      let ttftMs: number | null = null;
      handler.begin();
      const seen = (json: unknown) => {
        if (handler.event(json) && ttftMs === null) ttftMs = performance.now() - t0;
      };
      const type = res.headers.get('content-type') ?? '';
      if (!type.includes('text/event-stream')) {
        seen(await res.json());
        return { ttftMs, totalMs: performance.now() - t0 };
      }
      const decoder = new TextDecoder();
      let buf = '';
      const flush = (block: string) => {
        const data = block
          .split(/\r?\n/)
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        if (!data || data === '[DONE]') return;
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch {
          throw new DomainException(ErrorCode.Internal, `${url} streamed an event that is not JSON: ${data.slice(0, 200)}`);
        }
        const err = (json as { error?: { message?: string } }).error;
        if (err) throw new DomainException(ErrorCode.Transient, `${url} streamed an error: ${err.message ?? JSON.stringify(err).slice(0, 200)}`);
        seen(json);
      };
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.search(/\r?\n\r?\n/)) >= 0) {
          const m = /\r?\n\r?\n/.exec(buf.slice(i))!;
          flush(buf.slice(0, i));
          buf = buf.slice(i + m[0].length);
        }
      }
      buf += decoder.decode();
      if (buf.trim()) flush(buf);
      return { ttftMs, totalMs: performance.now() - t0 };
    });
  }

  private async request<T>(
    url: string,
    method: 'GET' | 'POST',
    body: unknown,
    signal: AbortSignal | undefined,
    read: (res: Response, t0: number) => Promise<T>,
  ): Promise<T> {
    return this.semaphore.run(async () => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const attempts = this.opts.maxRetries + 1;
      let lastReason = '';
      for (let attempt = 0; attempt < attempts; attempt++) {
        if (signal?.aborted) throw cancelled(`${method} ${url}`, signal);
        const timeout = AbortSignal.timeout(this.opts.timeoutMs);
        const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
        let retryAfterMs: number | null = null;
        this.stats.requests++;
        try {
          const t0 = performance.now();
          const res = await fetch(url, { method, headers: this.headers, body: payload, signal: combined });
          if (res.ok) return await read(res, t0);
          const excerpt = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
          const err = new HttpStatusError(res.status, url, excerpt, parseRetryAfter(res.headers.get('retry-after')));
          if (!RETRYABLE_STATUS.has(res.status) && res.status < 500) throw permanent(err, method);
          lastReason = `HTTP ${res.status}${excerpt ? ` (${excerpt})` : ''}`;
          retryAfterMs = err.retryAfterMs;
        } catch (err) {
          if (signal?.aborted) throw cancelled(`${method} ${url}`, signal);
          if (err instanceof DomainException) throw err;
          if (timeout.aborted) lastReason = `timed out after ${this.opts.timeoutMs} ms`;
          else if (isConnectionError(err)) lastReason = `connection error: ${describe(err)}`;
          else throw err;
        }
        if (attempt === attempts - 1) break;
        const delayMs = retryAfterMs ?? backoffDelay(attempt, this.opts.backoffMs, this.opts.maxBackoffMs ?? 30_000);
        this.stats.retries++;
        this.opts.onRetry?.({ url, attempt: attempt + 1, delayMs, reason: lastReason });
        try {
          await sleep(delayMs, signal);
        } catch {
          throw cancelled(`${method} ${url}`, signal!);
        }
      }
      throw new DomainException(ErrorCode.Transient, `${method} ${url} failed after ${attempts} attempt${attempts > 1 ? 's' : ''}; last: ${lastReason}`, {
        url,
        attempts,
      });
    }, signal).catch((err) => {
      if (signal?.aborted && !(err instanceof DomainException)) throw cancelled(`${method} ${url}`, signal);
      throw err;
    });
  }
}

function permanent(err: HttpStatusError, method: string): DomainException {
  const code = err.status === 401 || err.status === 403 ? ErrorCode.Unauthorized : err.status === 404 ? ErrorCode.NotFound : ErrorCode.InvalidInput;
  return new DomainException(code, `${method} ${err.message}`, { url: err.url, status: err.status });
}

function describe(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
