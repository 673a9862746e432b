import { createParser, EventSourceMessage } from 'eventsource-parser';

// Every request of the dashboard goes through here: the API key entered once (kept in localStorage) is sent
// as a Bearer token; a 401 asks for a key (KeyDialog) and the request fails with ApiError.

const KEY_STORAGE = 'densebench.apiKey';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

export const apiKey = {
  get: (): string | null => localStorage.getItem(KEY_STORAGE),
  set: (key: string) => localStorage.setItem(KEY_STORAGE, key),
  clear: () => localStorage.removeItem(KEY_STORAGE),
};

/** Called when a request was refused for want of a valid key; returns the unsubscribe function. */
export function onUnauthorized(l: Listener): () => void {
  unauthorizedListeners.add(l);
  return () => unauthorizedListeners.delete(l);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey.get();
  return { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...extra };
}

/** The error message of an API answer (400s carry a list of field messages). */
async function failure(res: Response): Promise<ApiError> {
  if (res.status === 401) unauthorizedListeners.forEach((l) => l());
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { message?: string | string[] };
    if (body.message) message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, message);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
export const del = <T>(path: string) => request<T>('DELETE', path);

/** A path with a query string of the defined, non-empty values. */
export function withQuery(path: string, q: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Downloads a file with the key (a plain link could not send it) and hands it to the browser under its name. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) throw await failure(res);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  saveBlob(await res.blob(), name);
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Follows a server-sent event stream with fetch (EventSource cannot send the Authorization header) until it
 * ends or `signal` aborts it.
 */
export async function followEvents(path: string, onEvent: (e: EventSourceMessage) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!res.ok || !res.body) throw await failure(res);
  const parser = createParser({ onEvent });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    parser.feed(value);
  }
}
