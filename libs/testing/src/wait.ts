import type request from 'supertest';
/** Polls `probe` until it returns a value (not undefined) or the timeout passes. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Polls GET /v1/runs/:id until the run has ended (succeeded, failed or cancelled); returns its view. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the run view as the API returns it (supertest bodies are untyped)
export function runEnded(http: ReturnType<typeof request>, id: string, timeoutMs = 180_000): Promise<any> {
  return waitFor(
    async () => {
      const r = await http.get(`/v1/runs/${id}`).expect(200);
      return ['succeeded', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
    },
    `run ${id} to end`,
    timeoutMs,
    300,
  );
}
