import { sha256Hex } from '@app/contracts';

export const sha256 = (s: string | Buffer): string => sha256Hex(s);

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
