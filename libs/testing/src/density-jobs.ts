import type request from 'supertest';
import { waitFor } from './wait';

type Http = ReturnType<typeof request>;
export type DensityJobBody = { id: string; status: string } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The API answers a reference fit or a report with 202 and the request to poll (Location); this follows it until the
 * results service has ended it (succeeded or failed) and answers its last body.
 */
export async function pollDensityJob(http: Http, accepted: { headers: Record<string, string>; body: DensityJobBody }, timeoutMs = 60_000): Promise<DensityJobBody> {
  const location = accepted.headers.location;
  if (!location) throw new Error(`no Location in the 202 answer: ${JSON.stringify(accepted.body)}`);
  return waitFor(
    async () => {
      const res = await http.get(location).expect(200);
      return res.body.status === 'succeeded' || res.body.status === 'failed' ? (res.body as DensityJobBody) : undefined;
    },
    `${location} to end`,
    timeoutMs,
    100,
  );
}

/** POST …/fit, then the fit request once ended; `expected` fails the test early with the reason when it ended otherwise. */
export async function fitReference(http: Http, referenceId: string, expected: 'succeeded' | 'failed' = 'succeeded'): Promise<DensityJobBody> {
  const accepted = await http.post(`/v1/density/references/${referenceId}/fit`).expect(202);
  const ended = await pollDensityJob(http, accepted as never);
  if (ended.status !== expected) throw new Error(`fit of ${referenceId} ${ended.status}, expected ${expected}: ${JSON.stringify(ended.error)}`);
  return ended;
}
