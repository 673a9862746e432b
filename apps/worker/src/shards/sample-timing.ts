import type { EngineResponse, SampleTiming } from '@app/benchmarks';
import type { GenerateResult } from '@app/contracts';

/**
 * Timing of one document: its share of the batch's wall time, and for generations the mean time to
 * first token and time per output token over its generate responses (vLLM's TPOT definition:
 * (latency − ttft) / (output tokens − 1)).
 */
export function sampleTiming(latencyMs: number, responses: readonly EngineResponse[]): SampleTiming {
  const gens = responses.filter((r): r is GenerateResult => typeof (r as GenerateResult).text === 'string');
  if (gens.length === 0) return { latencyMs };
  const ttftMs = gens.reduce((a, g) => a + g.ttftMs, 0) / gens.length;
  const multi = gens.filter((g) => g.outputTokens > 1);
  const tpotMs = multi.length ? multi.reduce((a, g) => a + (g.totalMs - g.ttftMs) / (g.outputTokens - 1), 0) / multi.length : undefined;
  return { latencyMs, ttftMs, tpotMs };
}
