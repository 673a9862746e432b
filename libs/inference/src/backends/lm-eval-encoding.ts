/**
 * lm-evaluation-harness's _encode_pair: trailing whitespace of the context moves to the front of the
 * continuation; the continuation's tokens are those of tokenize(context + continuation) after the
 * context's tokens (the tokenization that occurs in context).
 */
export function splitTrailingWhitespace(context: string, continuation: string): [string, string] {
  const m = /\s+$/.exec(context);
  if (!m) return [context, continuation];
  return [context.slice(0, m.index), m[0] + continuation];
}

export interface Tokenizer {
  /** Tokens of a text, with the model's special prefix (BOS) when addSpecial. */
  tokenize(text: string, addSpecial: boolean): Int32Array;
  /** The token that conditions an empty context (BOS, or end-of-text for models without BOS). */
  prefixToken: number;
}

export function encodePair(tok: Tokenizer, context: string, continuation: string): { ctx: Int32Array; cont: Int32Array } {
  const [c, k] = splitTrailingWhitespace(context, continuation);
  if (c === '') return { ctx: Int32Array.of(tok.prefixToken), cont: tok.tokenize(k, false) };
  const ctx = tok.tokenize(c, true);
  const whole = tok.tokenize(c + k, true);
  return { ctx, cont: whole.slice(ctx.length) };
}

/**
 * Fits (context, continuation) into `maxPositions` as lm-eval does: the context is cut from the left;
 * a continuation that alone does not fit is an error.
 */
export function truncateLeft(ctx: Int32Array, cont: Int32Array, maxPositions: number): Int32Array {
  if (cont.length >= maxPositions) {
    throw new Error(`continuation of ${cont.length} tokens does not fit the model's context of ${maxPositions} tokens`);
  }
  const room = maxPositions - cont.length;
  return ctx.length > room ? ctx.slice(ctx.length - room) : ctx;
}
