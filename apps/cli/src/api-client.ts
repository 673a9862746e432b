import { resolveApiKey } from './cli-config';

/** A small client of the densebench REST API for the CLI; sends the API key (DENSEBENCH_API_KEY or the config `up` wrote). */
export class DensebenchClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined = resolveApiKey(),
  ) {}

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new Error(`cannot reach the densebench API at ${this.baseUrl}: ${(err as Error).message}`);
    }
    const text = await res.text();
    const json = text ? JSON.parse(text) : {};
    if (!res.ok) {
      const msg = Array.isArray(json.message) ? json.message.join('; ') : json.message ?? text;
      const hint = res.status === 401 ? ' (set DENSEBENCH_API_KEY to a key; `densebench keys create --admin` makes one)' : '';
      throw new Error(`${method} ${path} failed (${res.status}): ${msg}${hint}`);
    }
    return json as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('POST', path, body, headers);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  /** A GET whose body is streamed by the caller (artifact downloads), with the API key. */
  async stream(path: string): Promise<Response> {
    const res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, { headers: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {} });
    if (!res.ok || !res.body) throw new Error(`GET ${path} failed: HTTP ${res.status}${res.status === 401 ? ' (set DENSEBENCH_API_KEY to a key)' : ''}`);
    return res;
  }
}

export interface RunView {
  id: string;
  status: string;
  modelName: string;
  error: string | null;
  progress: { done: number; total: number };
  benchmarks: Array<{ name: string; isGroup: boolean; group?: string | null; total: number; done: number; tokens: number; metrics: Record<string, { value: number; stderr: number | null; n: number }> | null }>;
  tokens: { input: number; output: number };
  wallMs: number | null;
  density?: RunDensityView | null;
}

/** One density figure of GET /v1/runs/:id: a number, or null with the reason. */
export interface DensityFigureView {
  benchmark: string;
  metric: string | null;
  score: number | null;
  params: number;
  effectiveParams: number | null;
  density: number | null;
  undefinedReason: string | null;
  message: string | null;
  extrapolated: { params: boolean; loss: boolean } | null;
  validation: { validated: boolean; typicalFactor: number | null; worstFactor: number | null } | null;
}

type EfficiencyFigure = { defined: true; value: number } | { defined: false; reason: string; message: string };

export interface RunDensityView {
  references: Array<{ reference: string; version: number; method: string | null; d0Tokens: number; headline: DensityFigureView; benchmarks: DensityFigureView[] }>;
  efficiency: Array<{
    benchmark: string;
    metric: string | null;
    score: number;
    costUsd: number | null;
    tokenValue: { scorePer1kOutputTokens: EfficiencyFigure; outputTokensPerCorrect: EfficiencyFigure };
    costDensity: { scorePerDollar: EfficiencyFigure; dollarsPerCorrect: EfficiencyFigure };
    computeDensity: { scorePerTflop: EfficiencyFigure };
  }>;
}
