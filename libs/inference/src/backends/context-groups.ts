import { LoglikelihoodRequest } from '@app/contracts';
import type { ScoreGroup } from '../llama-cpp/native-binding';
import { encodePair, Tokenizer, truncateLeft } from './lm-eval-encoding';

/**
 * Log-likelihood requests as score groups: requests whose (truncated) context tokens are equal share
 * one group, and equal continuations within a group are scored once.
 */
export interface ContextGroups {
  groups: ScoreGroup[];
  /** Per request: its group, its continuation's index there, and its context length before truncation. */
  where: Array<{ g: number; c: number; contextTokens: number }>;
}

export function groupByContext(tok: Tokenizer, requests: LoglikelihoodRequest[], maxPositions: number): ContextGroups {
  const groups: ScoreGroup[] = [];
  const byContext = new Map<string, number>();
  const byContinuation: Array<Map<string, number>> = [];
  const where: ContextGroups['where'] = [];
  for (const r of requests) {
    const { ctx, cont } = encodePair(tok, r.context, r.continuation);
    const prefix = truncateLeft(ctx, cont, maxPositions);
    const key = `${prefix.length}:${prefix.join(',')}`;
    let g = byContext.get(key);
    if (g === undefined) {
      g = groups.push({ prefix, continuations: [] }) - 1;
      byContext.set(key, g);
      byContinuation.push(new Map());
    }
    const contKey = cont.join(',');
    let c = byContinuation[g].get(contKey);
    if (c === undefined) {
      c = groups[g].continuations.push(cont) - 1;
      byContinuation[g].set(contKey, c);
    }
    where.push({ g, c, contextTokens: ctx.length });
  }
  return { groups, where };
}

/**
 * Tokens a model must decode to score these groups.
 * - minimum: each context once plus every continuation token but its last (whose log-prob comes
 *   from the position before it and which nothing after it needs);
 * - naive: the context again for every continuation (one sequence per request, no sharing).
 */
export function decodeCost(groups: ReadonlyArray<ScoreGroup>): { minimum: number; naive: number } {
  let minimum = 0;
  let naive = 0;
  for (const g of groups) {
    minimum += g.prefix.length;
    for (const c of g.continuations) {
      minimum += c.length - 1;
      naive += g.prefix.length + c.length - 1;
    }
  }
  return { minimum, naive };
}
