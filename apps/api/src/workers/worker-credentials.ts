import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A worker credential is "<workerId>.<secret>"; only sha256(secret) is stored. */
export function newSecret(): { secret: string; hash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: hashSecret(secret) };
}

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/**
 * The worker id must be a well-formed UUID: it goes into reads batched with other workers' (a malformed one would
 * fail the whole batch's uuid cast).
 */
export function parseCredential(header: string | undefined): { workerId: string; secret: string } | null {
  const m = /^Bearer\s+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{20,})$/.exec(header ?? '');
  return m ? { workerId: m[1], secret: m[2] } : null;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
