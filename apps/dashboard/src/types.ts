// The API's answers as the dashboard reads them (the OpenAPI document at /docs/openapi.json has them all).

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Metric {
  value: number;
  stderr: number | null;
  n: number;
}

export interface BenchmarkProgress {
  name: string;
  isGroup: boolean;
  group: string | null;
  total: number;
  done: number;
  tokens: number;
  numFewshot: number | null;
  metrics: Record<string, Metric> | null;
}

export interface RunView {
  id: string;
  modelId: string;
  modelName: string;
  status: RunStatus;
  pool: string;
  priority: number;
  seed: number;
  error: string | null;
  progress: { done: number; total: number };
  benchmarks: BenchmarkProgress[];
  shards: Record<string, number>;
  tokens: { input: number; output: number };
  wallMs: number | null;
  density: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface RunSummary {
  id: string;
  modelId: string;
  modelName: string;
  status: RunStatus;
  pool: string;
  benchmarks: string[];
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  /** Run lists count up to 1,000 past the page: false when total is a lower bound. */
  totalExact?: boolean;
}

export interface Sample {
  benchmark: string;
  docId: number;
  prompt: string;
  choices: string[] | null;
  target: string;
  response: string;
  filtered: string;
  metrics: Record<string, number>;
  tokens: { input: number; output: number };
  error: string | null;
}

export interface Artifact {
  id: string;
  kind: string;
  key: string;
  sizeBytes: number;
  benchmark: string | null;
  downloadUrl: string;
}

export interface Worker {
  id: string;
  name: string;
  hostname: string | null;
  pools: string[];
  backends: string[];
  status: string;
  info: Record<string, unknown>;
  currentShard: { id: string; runId: string; benchmark: string; done: number; total: number } | null;
  lastHeartbeatAt: string | null;
}

export interface Model {
  id: string;
  name: string;
  paramsTotal: number;
  paramsActive: number | null;
  releaseDate: string | null;
  trainingTokens: number | null;
  priceInputPerM: number | null;
  priceOutputPerM: number | null;
  backend: { kind: string; [k: string]: unknown };
  architecture: string | null;
}

export interface LeaderboardRow {
  rank: number;
  modelId: string;
  model: string;
  params: number;
  releaseDate: string | null;
  score: number | null;
  effectiveParams: number | null;
  density: number | null;
  densityUndefinedReason: string | null;
  tokenValue: number | null;
  costDensity: number | null;
  computeDensity: number | null;
}
