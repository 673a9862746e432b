import { gunzipSync } from 'node:zlib';
import type request from 'supertest';
import type { SampleRecord } from '@app/contracts';
import type { ArtifactStore } from '@app/storage';
import { waitFor } from './wait';

type Http = ReturnType<typeof request>;

/** Submits a run through the API and waits until it has ended; returns GET /v1/runs/:id's body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the run view as the API returns it (supertest bodies are untyped)
export async function submitAndWait(http: Http, body: Record<string, unknown>, timeoutMs = 900_000): Promise<any> {
  const sub = await http.post('/v1/runs').send(body).expect(202);
  return waitFor(async () => {
    const r = await http.get(`/v1/runs/${sub.body.id}`).expect(200);
    return ['succeeded', 'failed', 'cancelled'].includes(r.body.status) ? r.body : undefined;
  }, 'the run to end', timeoutMs, 500);
}

/** Every per-sample record a run stored, by benchmark, in document order. */
export async function runSamples(http: Http, store: ArtifactStore, runId: string): Promise<Map<string, SampleRecord[]>> {
  const artifacts = (await http.get(`/v1/runs/${runId}/artifacts`).expect(200)).body as Array<{ kind: string; key: string; benchmark: string }>;
  const out = new Map<string, SampleRecord[]>();
  for (const a of artifacts.filter((x) => x.kind === 'samples')) {
    const lines = gunzipSync((await store.getBuffer(a.key))!).toString().trim().split('\n');
    out.set(a.benchmark, [...(out.get(a.benchmark) ?? []), ...lines.map((l) => JSON.parse(l) as SampleRecord)]);
  }
  for (const rs of out.values()) rs.sort((x, y) => x.doc_id - y.doc_id);
  return out;
}

/** A run's stored samples and distinct documents: equal, and equal to the run's size, when every sample is there exactly once. */
export async function sampleCounts(db: { query(sql: string, params: unknown[]): Promise<Array<{ n: number; d: number }>> }, runId: string): Promise<{ n: number; d: number }> {
  return (await db.query(`SELECT count(*)::int AS n, count(DISTINCT (benchmark, doc_id))::int AS d FROM samples WHERE run_id = $1`, [runId]))[0];
}
