/** A small client of the densebench REST API for the CLI. */
export class DensebenchClient {
  constructor(readonly baseUrl: string) {}

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
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
      throw new Error(`${method} ${path} failed (${res.status}): ${msg}`);
    }
    return json as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('POST', path, body, headers);
  }
}

export interface RunView {
  id: string;
  status: string;
  modelName: string;
  error: string | null;
  progress: { done: number; total: number };
  benchmarks: Array<{ name: string; total: number; done: number; metrics: Record<string, { value: number; stderr: number | null; n: number }> | null }>;
  tokens: { input: number; output: number };
  wallMs: number | null;
}
