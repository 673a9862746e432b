/**
 * lm-evaluation-harness's get_rolling_token_windows(token_list, prefix_token, max_seq_len,
 * context_len=1) followed by make_disjoint_window: every token is predicted exactly once, each
 * window conditioned on up to max_seq_len preceding tokens. Returns (context, predicted) pairs.
 */
export function rollingWindows(tokens: Int32Array, prefixToken: number, maxSeqLen: number): Array<{ prefix: Int32Array; cont: Int32Array }> {
  if (maxSeqLen < 1) throw new Error(`max sequence length must be ≥ 1, got ${maxSeqLen}`);
  const n = tokens.length;
  if (n === 0) return [];
  const out: Array<{ prefix: Int32Array; cont: Int32Array }> = [];
  const first = Math.min(maxSeqLen, n);
  out.push({ prefix: Int32Array.of(prefixToken), cont: tokens.slice(0, first) });
  let predicted = first;
  while (predicted < n) {
    const len = Math.min(n - predicted, maxSeqLen);
    const end = predicted + len;
    const input = tokens.slice(end - maxSeqLen - 1, end - 1);
    out.push({ prefix: input.slice(0, input.length - (len - 1)), cont: tokens.slice(end - len, end) });
    predicted += len;
  }
  return out;
}
