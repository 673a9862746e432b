import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { workerConfig } from '@app/config';
import { DomainException, ErrorCode, ShardSpec } from '@app/contracts';

export interface ShardControl {
  proceed: boolean;
  reason?: string;
}

/**
 * The worker's HTTP client for the API's control plane (registration, heartbeats, shard specs and
 * progress). Network errors and 5xx are transient (retried with backoff); 4xx are permanent.
 */
@Injectable()
export class ApiClient {
  private credential: string | null = null;
  workerId: string | null = null;

  constructor(@Inject(workerConfig.KEY) private readonly cfg: ConfigType<typeof workerConfig>) {}

  setCredential(workerId: string, credential: string): void {
    this.workerId = workerId;
    this.credential = credential;
  }

  register(body: Record<string, unknown>): Promise<{ workerId: string; credential: string }> {
    return this.call('POST', '/v1/workers/register', body, { auth: false });
  }

  heartbeat(body: Record<string, unknown>): Promise<{ status: string }> {
    return this.call('POST', `/v1/workers/${this.workerId}/heartbeat`, body, { attempts: 1 });
  }

  deregister(): Promise<unknown> {
    return this.call('DELETE', `/v1/workers/${this.workerId}`, undefined, { attempts: 2 });
  }

  /** Records the shard's start and returns what to run (or why not to). */
  claimShard(shardId: string): Promise<ShardControl & { spec?: ShardSpec }> {
    return this.call('POST', `/v1/shards/${shardId}/claim`);
  }

  /** envelope: what produces the shard's numbers, sent with the first report. */
  shardProgress(
    shardId: string,
    done: number,
    envelope?: Record<string, unknown>,
    rate?: { outputTokens: number; outputTokensPerSecond: number },
  ): Promise<ShardControl> {
    const body = { done, ...(envelope ? { envelope } : {}), ...(rate ?? {}) };
    return this.call('POST', `/v1/shards/${shardId}/progress`, body, { attempts: 2 });
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    opts: { auth?: boolean; attempts?: number; timeoutMs?: number } = {},
  ): Promise<T> {
    const attempts = opts.attempts ?? 4;
    let lastErr: unknown;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await sleep(Math.min(8000, 250 * 2 ** i) * (0.5 + Math.random()));
      try {
        const res = await fetch(`${this.cfg.apiUrl}${path}`, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(opts.auth !== false && this.credential ? { authorization: `Bearer ${this.credential}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
        });
        const text = await res.text();
        const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
        if (res.ok) return json as T;
        const msg = `${method} ${path} → ${res.status}: ${String(json.message ?? text)}`;
        if (res.status >= 500 || res.status === 429) {
          lastErr = new DomainException(ErrorCode.Transient, msg);
          continue;
        }
        // 403: the API knows this worker but no longer lets it work (an operator removed it).
        const code =
          res.status === 404 ? ErrorCode.NotFound : res.status === 401 ? ErrorCode.Unauthorized : res.status === 403 ? ErrorCode.Forbidden : ErrorCode.InvalidInput;
        throw new DomainException(code, msg);
      } catch (err) {
        if (err instanceof DomainException && !err.retryable) throw err;
        lastErr = err instanceof DomainException ? err : new DomainException(ErrorCode.Transient, `${method} ${path}: ${(err as Error).message}`);
      }
    }
    throw lastErr;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
