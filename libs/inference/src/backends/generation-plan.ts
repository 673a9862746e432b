import { GenerateRequest, LoglikelihoodRequest } from '@app/contracts';
import type { GenerateRequest as NativeGenerateRequest } from '../llama-cpp/native-binding';
import { encodePair, Tokenizer } from './lm-eval-encoding';

/**
 * Generation requests as native requests, with the log-likelihood requests of the same context folded
 * in (a generate_until task's conditional loss of its gold answer): the prompt is decoded once and
 * serves both. One truncation rule for a prompt and everything asked of it: its tokens are cut from
 * the left to leave room for the longest of max_gen_toks and its scored continuations (lm-eval cuts a
 * generation's context to max_length − max_gen_toks and a log-likelihood's to max_length − continuation;
 * for a folded pair both then see the same context).
 */
export interface GenerationPlan {
  native: NativeGenerateRequest[];
  /** Log-likelihood request index → its generation, its place among that generation's scored continuations, and its context length before truncation. */
  folded: Map<number, { g: number; k: number; contextTokens: number }>;
  /** Log-likelihood requests left to the scorer (indices). */
  rest: number[];
}

export function planGeneration(
  tok: Tokenizer,
  gens: readonly GenerateRequest[],
  lls: readonly LoglikelihoodRequest[],
  contextSize: number,
): GenerationPlan {
  const prompts = gens.map((r) => tok.tokenize(r.context, true));
  const byContext = new Map<string, number>();
  gens.forEach((r, g) => {
    if (!byContext.has(r.context)) byContext.set(r.context, g);
  });
  const scores: Int32Array[][] = gens.map(() => []);
  const folded: GenerationPlan['folded'] = new Map();
  const rest: number[] = [];
  lls.forEach((r, i) => {
    const g = byContext.get(r.context);
    if (g !== undefined) {
      // lm-eval's encoding of the pair; folded when its context tokens start the prompt (they are
      // the prompt's, or a context ending in whitespace gave that whitespace to the continuation)
      const { ctx, cont } = encodePair(tok, r.context, r.continuation);
      if (cont.length > 0 && startsWith(prompts[g], ctx) && cont.length < contextSize) {
        folded.set(i, { g, k: scores[g].push(cont) - 1, contextTokens: ctx.length });
        return;
      }
    }
    rest.push(i);
  });
  const scoreFrom = new Map<number, number>();
  for (const f of folded.values()) scoreFrom.set(f.g, f.contextTokens);
  const native = gens.map((r, g) => {
    const longestScore = scores[g].reduce((m, c) => Math.max(m, c.length), 0);
    const room = contextSize - Math.max(r.maxTokens, longestScore);
    if (room < 1) {
      throw new Error(`max tokens ${r.maxTokens} leaves no room for the prompt in a context of ${contextSize}`);
    }
    const prompt = prompts[g];
    const cut = Math.max(0, prompt.length - room);
    const from = scoreFrom.get(g);
    return {
      prompt: prompt.slice(cut),
      ...(from !== undefined && from < prompt.length ? { scoreFrom: Math.max(1, from - cut) } : {}),
      maxTokens: r.maxTokens,
      temperature: r.temperature,
      topP: r.topP,
      topK: r.topK,
      seed: r.seed,
      stop: r.until,
      ...(scores[g].length ? { score: scores[g] } : {}),
    };
  });
  return { native, folded, rest };
}

function startsWith(a: Int32Array, prefix: Int32Array): boolean {
  if (prefix.length > a.length) return false;
  for (let i = 0; i < prefix.length; i++) if (a[i] !== prefix[i]) return false;
  return true;
}
