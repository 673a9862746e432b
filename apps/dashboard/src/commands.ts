// The Submit form's request, and the same request as a CLI command and as curl.

export interface BenchmarkChoice {
  name: string;
  limit?: number;
  numFewshot?: number;
}

export interface SubmitForm {
  modelId: string;
  modelName: string;
  benchmarks: BenchmarkChoice[];
  pool: string;
  priority: number;
  shardSize?: number;
  seed?: number;
}

/** The body of POST /v1/runs: only the fields set. */
export function runRequest(f: SubmitForm): Record<string, unknown> {
  return {
    modelId: f.modelId,
    benchmarks: f.benchmarks.map((b) => ({ name: b.name, ...(b.limit ? { limit: b.limit } : {}), ...(b.numFewshot !== undefined ? { numFewshot: b.numFewshot } : {}) })),
    pool: f.pool,
    priority: f.priority,
    ...(f.shardSize ? { shardSize: f.shardSize } : {}),
    ...(f.seed !== undefined ? { seed: f.seed } : {}),
  };
}

/** A word for a POSIX shell: bare when safe, else single-quoted. */
export const shellQuote = (s: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `densebench submit` with the form's settings (--benchmark name[:limit[:numFewshot]]). */
export function cliCommand(f: SubmitForm, apiUrl: string): string {
  const spec = (b: BenchmarkChoice) => (b.numFewshot !== undefined ? `${b.name}:${b.limit ?? ''}:${b.numFewshot}` : b.limit ? `${b.name}:${b.limit}` : b.name);
  const parts = ['npx densebench submit', `--api ${shellQuote(apiUrl)}`, `--model ${shellQuote(f.modelName || f.modelId)}`];
  for (const b of f.benchmarks) parts.push(`--benchmark ${shellQuote(spec(b))}`);
  parts.push(`--pool ${shellQuote(f.pool)}`);
  if (f.shardSize) parts.push(`--shard-size ${f.shardSize}`);
  if (f.seed !== undefined) parts.push(`--seed ${f.seed}`);
  if (f.priority) parts.push(`--priority ${f.priority}`);
  return parts.join(' ');
}

/** curl of POST /v1/runs with the key from $DENSEBENCH_API_KEY. */
export function curlCommand(f: SubmitForm, apiUrl: string): string {
  return [
    `curl -X POST ${shellQuote(`${apiUrl.replace(/\/$/, '')}/v1/runs`)}`,
    `-H 'Content-Type: application/json'`,
    `-H "Authorization: Bearer $DENSEBENCH_API_KEY"`,
    `-d ${shellQuote(JSON.stringify(runRequest(f)))}`,
  ].join(' \\\n  ');
}
