import type { EngineRequest, EngineResponse, PreparedSample } from '@app/benchmarks';
import type { GenerateRequest, GenerateResult, LoglikelihoodRequest, RequestOptions, RollingLoglikelihoodRequest } from '@app/contracts';
import type { BatchAnswers, InferenceBackend, RequestBatch } from '@app/inference';

type RequestType = EngineRequest['type'];

/**
 * Answers the requests of many documents at once: one backend call for the whole batch when the
 * backend takes one (`answerBatch`: a generation and its conditional loss share a decoded prompt),
 * else one call per request type (so the backend can batch and share prefixes across documents).
 * Responses are put back in each document's request order. onProgress is called as samples get all
 * their answers (as they arrive when the backend reports them, else at the end) with the samples done
 * and the output tokens generated so far.
 */
export async function answerRequests(
  backend: InferenceBackend,
  samples: readonly PreparedSample[],
  opts: RequestOptions,
  onProgress?: (p: { samples: number; outputTokens: number }) => void,
): Promise<EngineResponse[][]> {
  const batch: RequestBatch = { loglikelihood: [], rolling: [], generate: [] };
  const owners: Record<RequestType, number[]> = { loglikelihood: [], loglikelihood_rolling: [], generate_until: [] };
  const slots: Array<Array<{ type: RequestType; index: number }>> = samples.map((s, si) =>
    s.requests.map((r) => {
      // The requests themselves (not copies): a key computed for one (replay, request cache) is reused when it is recorded.
      const index = pushRequest(batch, r);
      owners[r.type].push(si);
      return { type: r.type, index };
    }),
  );
  const pending = samples.map((s) => s.requests.length);
  const answered: Record<RequestType, Uint8Array> = {
    loglikelihood: new Uint8Array(batch.loglikelihood.length),
    loglikelihood_rolling: new Uint8Array(batch.rolling.length),
    generate_until: new Uint8Array(batch.generate.length),
  };
  let samplesDone = 0;
  let outputTokens = 0;
  const onAnswer = (type: RequestType, index: number, answer: unknown) => {
    if (answered[type][index]) return;
    answered[type][index] = 1;
    if (type === 'generate_until') outputTokens += (answer as GenerateResult).outputTokens;
    if (--pending[owners[type][index]] === 0) {
      samplesDone++;
      onProgress?.({ samples: samplesDone, outputTokens });
    }
  };
  const answers = await answerBatch(backend, batch, { ...opts, onAnswer });
  const pick = { loglikelihood: answers.loglikelihood, loglikelihood_rolling: answers.rolling, generate_until: answers.generate } as const;
  // whatever the backend did not report as it went is final now
  (Object.keys(answered) as RequestType[]).forEach((type) => answered[type].forEach((_, i) => onAnswer(type, i, pick[type][i])));
  return slots.map((s) => s.map(({ type, index }) => pick[type][index] as EngineResponse));
}

function pushRequest(batch: RequestBatch, r: EngineRequest): number {
  switch (r.type) {
    case 'loglikelihood':
      return batch.loglikelihood.push(r as LoglikelihoodRequest) - 1;
    case 'loglikelihood_rolling':
      return batch.rolling.push(r as RollingLoglikelihoodRequest) - 1;
    case 'generate_until':
      return batch.generate.push(r as GenerateRequest) - 1;
  }
}

async function answerBatch(backend: InferenceBackend, batch: RequestBatch, opts: RequestOptions): Promise<BatchAnswers> {
  if (backend.answerBatch) return backend.answerBatch(batch, opts);
  const [loglikelihood, rolling, generate] = await Promise.all([
    batch.loglikelihood.length ? backend.loglikelihood(batch.loglikelihood, opts) : [],
    batch.rolling.length ? backend.loglikelihoodRolling(batch.rolling, opts) : [],
    batch.generate.length ? backend.generateUntil(batch.generate, opts) : [],
  ]);
  return { loglikelihood, rolling, generate };
}
