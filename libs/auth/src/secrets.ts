import { hash, verify } from '@node-rs/argon2';
import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Credentials shown once as "<prefix>_<id without dashes>_<secret>": the id finds the row, the secret
 * is checked against its argon2id hash (OWASP's parameters: 19 MiB, 2 passes). API keys use "dbk",
 * enrollment tokens "dbe".
 */
export type SecretPrefix = 'dbk' | 'dbe';

export interface NewSecret {
  id: string;
  plaintext: string;
  secretHash: string;
}

const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export async function newSecret(prefix: SecretPrefix): Promise<NewSecret> {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  return { id, plaintext: `${prefix}_${id.replace(/-/g, '')}_${secret}`, secretHash: await hash(secret, ARGON2) };
}

/** The id and secret of a credential of the given kind, or null when it is not one. */
export function parseSecret(prefix: SecretPrefix, text: string | undefined): { id: string; secret: string } | null {
  const m = new RegExp(`^${prefix}_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$`).exec(text ?? '');
  if (!m) return null;
  const h = m[1];
  return { id: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`, secret: m[2] };
}

export const verifySecret = (secretHash: string, secret: string): Promise<boolean> => verify(secretHash, secret).catch(() => false);
