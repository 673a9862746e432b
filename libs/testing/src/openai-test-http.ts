/** Types and HTTP plumbing of the OpenAI test server: request bodies, JSON and SSE answers, faults. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface OpenAiTestServerOptions {
  modelPath: string;
  /** The model id the server lists and expects in requests (default "test-model"). */
  modelName?: string;
  contextSize?: number;
  sequences?: number;
  threads?: number;
  port?: number;
  /** When set, every request must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

export interface Fault {
  /** Answer with this status instead of serving the request… */
  status?: number;
  /** …with this Retry-After header (seconds). */
  retryAfter?: number;
  /** Or: serve the request after this delay. */
  delayMs?: number;
  /** How many requests this applies to. */
  count: number;
  /** Only requests to these paths (e.g. ["/v1/completions"]); all when absent. */
  paths?: string[];
}

export interface TestServerStats {
  /** Requests received per path (faulted ones included). */
  byPath: Record<string, number>;
  total: number;
  inFlight: number;
  maxInFlight: number;
  faulted: number;
  unauthorized: number;
}

export const emptyStats = (): TestServerStats => ({ byPath: {}, total: 0, inFlight: 0, maxInFlight: 0, faulted: 0, unauthorized: 0 });

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** An OpenAI-style event stream of the pieces, then the finish reason (and usage when asked for). */
export function sendStream(res: ServerResponse, modelName: string, body: Record<string, unknown>, pieces: string[], finish: string, usage: Record<string, number>, chat: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = { id: chat ? 'chatcmpl-test' : 'cmpl-test', object: chat ? 'chat.completion.chunk' : 'text_completion', created: 0, model: modelName };
  const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
  if (chat) send({ ...base, choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] });
  for (const p of pieces) send({ ...base, choices: [{ index: 0, ...(chat ? { delta: { content: p } } : { text: p }), finish_reason: null }] });
  send({ ...base, choices: [{ index: 0, ...(chat ? { delta: {} } : { text: '' }), finish_reason: finish }] });
  const include = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
  if (include) send({ ...base, choices: [], usage });
  res.end('data: [DONE]\n\n');
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch (err) {
    throw new HttpError(400, `invalid JSON body: ${(err as Error).message}`);
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
