/** Splits documents [0, n) into consecutive shards of at most `size` documents. */
export function planShards(n: number, size: number): Array<{ start: number; end: number }> {
  if (!Number.isInteger(size) || size < 1) throw new Error(`shard size must be a positive integer, got ${size}`);
  const out: Array<{ start: number; end: number }> = [];
  for (let start = 0; start < n; start += size) out.push({ start, end: Math.min(n, start + size) });
  return out;
}
