import { sha256Hex } from '@app/contracts';

export const sha256 = (s: string | Buffer): string => sha256Hex(s);

/**
 * lm-evaluation-harness hashes docs as json.dumps(doc, indent=2, ensure_ascii=False). Memoized per doc
 * object: a task's documents are loaded once per registry and kept, and every run over them records
 * each one's hash (~6 µs a document of JSON and sha256). Documents are not changed once loaded.
 */
export function docHash(doc: unknown): string {
  if (typeof doc !== 'object' || doc === null) return sha256(JSON.stringify(doc, null, 2));
  let h = docHashes.get(doc);
  if (h === undefined) docHashes.set(doc, (h = sha256(JSON.stringify(doc, null, 2))));
  return h;
}
const docHashes = new WeakMap<object, string>();

/** JSON with object keys sorted at every level (stable across key order), for config hashes. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      return Object.fromEntries(Object.keys(x as object).sort().map((k) => [k, (x as Record<string, unknown>)[k]]));
    }
    return x;
  });
}
