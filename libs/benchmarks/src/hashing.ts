import { createHash, hash } from 'node:crypto';

/** One-shot crypto.hash (node >= 20.12) when available: several times cheaper for short inputs, same digest. */
export const sha256: (s: string | Buffer) => string =
  typeof hash === 'function' ? (s) => hash('sha256', s, 'hex') : (s) => createHash('sha256').update(s).digest('hex');

/** lm-evaluation-harness hashes docs as json.dumps(doc, indent=2, ensure_ascii=False). */
export const docHash = (doc: unknown): string => sha256(JSON.stringify(doc, null, 2));

/** JSON with object keys sorted at every level (stable across key order), for config hashes. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      return Object.fromEntries(Object.keys(x as object).sort().map((k) => [k, (x as Record<string, unknown>)[k]]));
    }
    return x;
  });
}
