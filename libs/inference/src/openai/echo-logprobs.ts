import { DomainException, ErrorCode } from '@app/contracts';

/** Per-token log-probabilities of an echoed prompt (+ generated tokens), OpenAI legacy completions format. */
export interface EchoLogprobs {
  /** ln p(token[i] | tokens[<i]); null for the first token (nothing predicts it). */
  tokenLogprobs: Array<number | null>;
  /** The largest logprob offered at position i (top_logprobs), null where none was given. */
  topLogprob: Array<number | null>;
  /** Character offset of each token in the echoed text, when the server gives it. */
  textOffset: number[] | null;
  /** The tokens' texts, when the server gives them. */
  tokens: string[] | null;
}

const NO_ECHO =
  'the server returned no prompt logprobs for echo: true + logprobs (llama.cpp\'s llama-server, for one, does not echo prompts); ' +
  'log-likelihood requests need a server that does (vLLM, SGLang, llama-cpp-python, TGI\'s OpenAI route, legacy OpenAI completions models)';

/**
 * Reads choices[0].logprobs of a completions answer to `echo: true, logprobs: 1`:
 * { tokens, token_logprobs, top_logprobs, text_offset } (OpenAI's legacy format, which vLLM and
 * llama-cpp-python follow). Anything else — llama.cpp's per-generated-token `content` list, or no
 * logprobs at all — means the server cannot score prompts, which is an error.
 */
export function readEchoLogprobs(answer: unknown, url: string): EchoLogprobs {
  const choice = (answer as { choices?: Array<{ logprobs?: unknown }> })?.choices?.[0];
  const lp = choice?.logprobs as { tokens?: unknown; token_logprobs?: unknown; top_logprobs?: unknown; text_offset?: unknown } | null | undefined;
  if (!lp || !Array.isArray(lp.token_logprobs)) throw new DomainException(ErrorCode.InvalidInput, `${url}: ${NO_ECHO}`);
  const tokenLogprobs = lp.token_logprobs.map((v) => (typeof v === 'number' ? v : null));
  const tops = Array.isArray(lp.top_logprobs) ? lp.top_logprobs : [];
  const topLogprob = tokenLogprobs.map((_, i) => {
    const t = tops[i] as Record<string, number> | Array<{ logprob: number }> | null | undefined;
    if (!t) return null;
    const values = Array.isArray(t) ? t.map((x) => x.logprob) : Object.values(t);
    return values.length ? Math.max(...values) : null;
  });
  const textOffset = Array.isArray(lp.text_offset) ? (lp.text_offset as number[]) : null;
  const tokens = Array.isArray(lp.tokens) ? (lp.tokens as string[]) : null;
  return { tokenLogprobs, topLogprob, textOffset, tokens };
}

/**
 * lm-evaluation-harness's parse_logprobs over positions [from, to): the sum of token logprobs, and
 * is_greedy = every token's logprob equals the best logprob offered at its position.
 */
export function scoreSpan(lp: EchoLogprobs, from: number, to: number, url: string): { logprob: number; isGreedy: boolean } {
  if (lp.tokenLogprobs.length < to) {
    throw new DomainException(ErrorCode.InvalidInput, `${url}: logprobs for ${lp.tokenLogprobs.length} tokens, the prompt has ${to}: ${NO_ECHO}`);
  }
  let logprob = 0;
  let isGreedy = true;
  for (let i = from; i < to; i++) {
    const v = lp.tokenLogprobs[i];
    if (v === null) throw new DomainException(ErrorCode.InvalidInput, `${url}: no logprob for prompt token ${i}: ${NO_ECHO}`);
    logprob += v;
    const top = lp.topLogprob[i];
    if (top === null || v < top) isGreedy = false;
  }
  return { logprob, isGreedy };
}

/** Length in code points (what Python's len() and OpenAI's text_offset count). */
export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * Offsets mode: index of the first continuation token among the first `promptTokens` echoed tokens.
 * Measured from the end of the prompt, so a BOS text ("<s>") that some servers count in the offsets
 * does not shift it: continuation tokens are those ending within the continuation's last characters;
 * a token straddling the context/continuation boundary counts as continuation.
 */
export function continuationStart(lp: EchoLogprobs, promptTokens: number, continuation: string, url: string): number {
  const off = lp.textOffset;
  if (!off || off.length < promptTokens) {
    throw new DomainException(ErrorCode.InvalidInput, `${url}: no logprobs.text_offset in the answer; without /tokenize the context/continuation boundary cannot be found`);
  }
  const last = promptTokens - 1;
  const promptEnd = off.length > promptTokens ? off[promptTokens] : off[last] + codePoints(lp.tokens?.[last] ?? '');
  const boundary = promptEnd - codePoints(continuation);
  let start = 0;
  while (start < promptTokens && (start + 1 < promptTokens ? off[start + 1] : promptEnd) <= boundary) start++;
  if (start < 1) {
    throw new DomainException(ErrorCode.InvalidInput, `${url}: the continuation starts at the first prompt token (empty context and the server adds no BOS): nothing conditions it`);
  }
  return start;
}
