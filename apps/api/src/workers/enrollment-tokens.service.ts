import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { newSecret, parseSecret, verifySecret } from '@app/auth';
import { apiConfig } from '@app/config';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { EnrollmentTokenEntity, EnrollmentTokensRepository } from '@app/database';
import { safeEqual } from './worker-credentials';

/**
 * Enrollment tokens: created, listed, expired and revoked by operators; a worker machine registers with one.
 * The API's ENROLLMENT_TOKEN, when set, stays accepted as a static token (single-host setups, the embedded stack).
 */
@Injectable()
export class EnrollmentTokensService {
  constructor(
    private readonly tokens: EnrollmentTokensRepository,
    @Inject(apiConfig.KEY) private readonly cfg: ConfigType<typeof apiConfig>,
  ) {}

  async create(name: string, expiresAt: Date | null, pools: string[] | null, createdBy: string): Promise<{ token: EnrollmentTokenEntity; plaintext: string }> {
    const { id, plaintext, secretHash } = await newSecret('dbe');
    const token = await this.tokens.insert({ id, name, secretHash, expiresAt, pools, createdBy });
    return { token, plaintext };
  }

  list(): Promise<EnrollmentTokenEntity[]> {
    return this.tokens.list();
  }

  async revoke(id: string): Promise<EnrollmentTokenEntity> {
    const token = await this.tokens.revoke(id);
    if (!token) throw notFound('enrollment token', id);
    return token;
  }

  /** Checks a token a worker presents, and that the pools it asks for are within the token's. */
  async admit(presented: string, pools: string[]): Promise<void> {
    if (this.cfg.enrollmentToken && safeEqual(presented, this.cfg.enrollmentToken)) return;
    const parsed = parseSecret('dbe', presented);
    const token = parsed ? await this.tokens.findById(parsed.id) : null;
    if (!parsed || !token || !(await verifySecret(token.secretHash, parsed.secret))) {
      throw new DomainException(ErrorCode.Unauthorized, 'invalid enrollment token');
    }
    if (token.revokedAt) throw new DomainException(ErrorCode.Unauthorized, `enrollment token "${token.name}" was revoked`);
    if (token.expiresAt && token.expiresAt.getTime() <= Date.now()) throw new DomainException(ErrorCode.Unauthorized, `enrollment token "${token.name}" expired`);
    const outside = token.pools ? pools.filter((p) => !token.pools!.includes(p)) : [];
    if (outside.length) throw new DomainException(ErrorCode.Forbidden, `enrollment token "${token.name}" admits pools ${token.pools!.join(', ')}, not ${outside.join(', ')}`);
    await this.tokens.touchLastUsed(token.id);
  }
}
