import type { EngineRequest, EngineResponse, PreparedSample } from '@app/benchmarks';
import type { GenerateRequest, LoglikelihoodRequest, RequestOptions, RollingLoglikelihoodRequest } from '@app/contracts';
import type { InferenceBackend } from '@app/inference';

/**
 * Answers the requests of many documents at once: one backend call per request type (so the backend
 * can batch and share prefixes across documents), responses put back in each document's request order.
 */
export async function answerRequests(
  backend: InferenceBackend,
  samples: readonly PreparedSample[],
  opts: RequestOptions,
): Promise<EngineResponse[][]> {
  const ll: LoglikelihoodRequest[] = [];
  const rolling: RollingLoglikelihoodRequest[] = [];
  const gen: GenerateRequest[] = [];
  const slots: Array<Array<{ type: EngineRequest['type']; index: number }>> = samples.map((s) =>
    s.requests.map((r) => {
      switch (r.type) {
        // The requests themselves (not copies): a key computed for one (replay, request cache) is reused when it is recorded.
        case 'loglikelihood':
          return { type: r.type, index: ll.push(r) - 1 };
        case 'loglikelihood_rolling':
          return { type: r.type, index: rolling.push(r) - 1 };
        case 'generate_until':
          return { type: r.type, index: gen.push(r) - 1 };
      }
    }),
  );
  const [llRes, rollRes, genRes] = await Promise.all([
    ll.length ? backend.loglikelihood(ll, opts) : [],
    rolling.length ? backend.loglikelihoodRolling(rolling, opts) : [],
    gen.length ? backend.generateUntil(gen, opts) : [],
  ]);
  const pick = { loglikelihood: llRes, loglikelihood_rolling: rollRes, generate_until: genRes } as const;
  return slots.map((s) => s.map(({ type, index }) => pick[type][index] as EngineResponse));
}
