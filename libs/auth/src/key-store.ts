import { ApiKeyEntity, ApiKeysRepository } from '@app/database';
import { isProjectRole, Role } from './roles';
import { newSecret, parseSecret, verifySecret } from './secrets';

export interface CreateKeyInput {
  name: string;
  role: Role;
  projectId?: string | null;
  expiresAt?: Date | null;
  createdBy?: string | null;
}

/**
 * Stores a new API key (hashed) and returns its row with the plaintext, which is shown once and never
 * stored. Shared by the API, `densebench keys create` (straight to the database, for the first admin
 * key) and the tests.
 */
export async function createApiKey(keys: ApiKeysRepository, input: CreateKeyInput): Promise<{ key: ApiKeyEntity; plaintext: string }> {
  const projectId = input.projectId ?? null;
  if (isProjectRole(input.role) !== (projectId !== null)) {
    throw new Error(isProjectRole(input.role) ? `a ${input.role} key belongs to a project: name one` : `an ${input.role} key is global: it takes no project`);
  }
  const { id, plaintext, secretHash } = await newSecret('dbk');
  const key = await keys.insert({ id, name: input.name, role: input.role, projectId, secretHash, expiresAt: input.expiresAt ?? null, createdBy: input.createdBy ?? null });
  return { key, plaintext };
}

/**
 * The key given, when it is still a valid key of this database (not revoked, not expired); else a new one
 * made from `input`. `densebench up` keeps its admin key in the CLI config this way: printed the first time.
 */
export async function reuseOrCreateApiKey(
  keys: ApiKeysRepository,
  existing: string | undefined,
  input: CreateKeyInput,
): Promise<{ plaintext: string; created: boolean }> {
  const parsed = parseSecret('dbk', existing);
  if (parsed && existing) {
    const key = await keys.findById(parsed.id);
    const live = key && !key.revokedAt && (!key.expiresAt || key.expiresAt.getTime() > Date.now()) && key.role === input.role;
    if (live && (await verifySecret(key.secretHash, parsed.secret))) return { plaintext: existing, created: false };
  }
  return { plaintext: (await createApiKey(keys, input)).plaintext, created: true };
}
