import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { newSecret, parseSecret, verifySecret } from '@app/auth';
import { apiConfig } from '@app/config';
import { DomainException, ErrorCode, notFound } from '@app/contracts';
import { EnrollmentTokenEntity } from '@app/database';
import { safeEqual } from './worker-credentials';

/**
 * Enrollment tokens: created, listed, expired and revoked by operators; a worker machine registers with one.
 * The API's ENROLLMENT_TOKEN, when set, stays accepted as a static token (single-host setups, the embedded stack).
 */
@Injectable()
export class EnrollmentTokensService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(apiConfig.KEY) private readonly cfg: ConfigType<typeof apiConfig>,
  ) {}

  async create(name: string, expiresAt: Date | null, pools: string[] | null, createdBy: string): Promise<{ token: EnrollmentTokenEntity; plaintext: string }> {
    const { id, plaintext, secretHash } = await newSecret('dbe');
    const repo = this.db.getRepository(EnrollmentTokenEntity);
    const token = await repo.save(repo.create({ id, name, secretHash, expiresAt, pools, createdBy }));
    return { token, plaintext };
  }

  list(): Promise<EnrollmentTokenEntity[]> {
    return this.db.getRepository(EnrollmentTokenEntity).find({ order: { createdAt: 'DESC' } });
  }

  async revoke(id: string): Promise<EnrollmentTokenEntity> {
    const repo = this.db.getRepository(EnrollmentTokenEntity);
    await repo.update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    const token = await repo.findOneBy({ id });
    if (!token) throw notFound('enrollment token', id);
    return token;
  }

  /** Checks a token a worker presents, and that the pools it asks for are within the token's. */
  async admit(presented: string, pools: string[]): Promise<void> {
    if (this.cfg.enrollmentToken && safeEqual(presented, this.cfg.enrollmentToken)) return;
    const parsed = parseSecret('dbe', presented);
    const repo = this.db.getRepository(EnrollmentTokenEntity);
    const token = parsed ? await repo.findOneBy({ id: parsed.id }) : null;
    if (!parsed || !token || !(await verifySecret(token.secretHash, parsed.secret))) {
      throw new DomainException(ErrorCode.Unauthorized, 'invalid enrollment token');
    }
    if (token.revokedAt) throw new DomainException(ErrorCode.Unauthorized, `enrollment token "${token.name}" was revoked`);
    if (token.expiresAt && token.expiresAt.getTime() <= Date.now()) throw new DomainException(ErrorCode.Unauthorized, `enrollment token "${token.name}" expired`);
    const outside = token.pools ? pools.filter((p) => !token.pools!.includes(p)) : [];
    if (outside.length) throw new DomainException(ErrorCode.Forbidden, `enrollment token "${token.name}" admits pools ${token.pools!.join(', ')}, not ${outside.join(', ')}`);
    await repo.update({ id: token.id }, { lastUsedAt: () => 'now()' });
  }
}
