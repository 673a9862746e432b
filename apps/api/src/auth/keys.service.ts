import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createApiKey, CreateKeyInput, parseSecret, Principal, Role, verifySecret } from '@app/auth';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { ApiKeyEntity, ApiKeysRepository } from '@app/database';

/** A verified secret is remembered (its sha256) so argon2 runs once per key and process, not per request. */
const VERIFIED_MAX = 10_000;
const LAST_USED_EVERY_MS = 60_000;

@Injectable()
export class KeysService {
  private readonly logger = new Logger(KeysService.name);
  private readonly verified = new Map<string, string>(); // key id → sha256(secret)
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(private readonly keys: ApiKeysRepository) {}

  /**
   * The principal behind an "Authorization: Bearer dbk_…" header. The key's row is read on every
   * request, so a revocation or an expiry holds at once on every API process.
   */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!bearer) throw new DomainException(ErrorCode.Unauthorized, 'an API key is required: send "Authorization: Bearer <key>" (create one with `densebench keys create`)');
    const parsed = parseSecret('dbk', bearer);
    if (!parsed) throw new DomainException(ErrorCode.Unauthorized, 'malformed API key: expected dbk_<32 hex>_<43 characters>');
    const key = await this.keys.findById(parsed.id);
    const digest = createHash('sha256').update(parsed.secret).digest('hex');
    if (!key || !(this.verified.get(key.id) === digest || (await this.verifyAndRemember(key, parsed.secret, digest)))) {
      throw new DomainException(ErrorCode.Unauthorized, 'invalid API key');
    }
    if (key.revokedAt) throw new DomainException(ErrorCode.Unauthorized, `API key "${key.name}" was revoked`);
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) throw new DomainException(ErrorCode.Unauthorized, `API key "${key.name}" expired at ${key.expiresAt.toISOString()}`);
    this.touch(key.id);
    return { keyId: key.id, name: key.name, role: key.role as Role, projectId: key.projectId };
  }

  private async verifyAndRemember(key: ApiKeyEntity, secret: string, digest: string): Promise<boolean> {
    if (!(await verifySecret(key.secretHash, secret))) return false;
    if (this.verified.size >= VERIFIED_MAX) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(key.id, digest);
    return true;
  }

  /** last_used_at, written at most once a minute per key and process, off the request's path. */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWritten.get(id) ?? 0) < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(id, now);
    this.keys.touchLastUsed(id).catch((err: Error) => this.logger.warn(`last_used_at of key ${id}: ${err.message}`));
  }

  async create(input: CreateKeyInput): Promise<{ key: ApiKeyEntity; plaintext: string }> {
    try {
      return await createApiKey(this.keys, input);
    } catch (err) {
      if (err instanceof Error && /belongs to a project|is global/.test(err.message)) throw new DomainException(ErrorCode.InvalidInput, err.message);
      throw err;
    }
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.keys.list();
  }

  async revoke(id: string): Promise<ApiKeyEntity> {
    const key = await this.keys.revoke(id);
    if (!key) throw notFound('API key', id);
    this.verified.delete(id);
    return key;
  }
}
