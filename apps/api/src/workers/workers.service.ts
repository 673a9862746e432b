import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { apiConfig } from '@app/config';
import { DomainException, ErrorCode, notFound, WorkerStatus } from '@app/contracts';
import { WorkerEntity } from '@app/database';
import { HeartbeatRequestDto, RegisterWorkerRequestDto } from './dto/register-worker.dto';
import { hashSecret, newSecret, parseCredential, safeEqual } from './worker-credentials';

@Injectable()
export class WorkersService {
  constructor(
    @InjectRepository(WorkerEntity) private readonly workers: Repository<WorkerEntity>,
    @Inject(apiConfig.KEY) private readonly cfg: ConfigType<typeof apiConfig>,
  ) {}

  async register(dto: RegisterWorkerRequestDto): Promise<{ worker: WorkerEntity; credential: string }> {
    if (!this.cfg.enrollmentToken) {
      throw new DomainException(ErrorCode.Unauthorized, 'worker enrollment is disabled: set ENROLLMENT_TOKEN on the API');
    }
    if (!safeEqual(dto.enrollmentToken, this.cfg.enrollmentToken)) {
      throw new DomainException(ErrorCode.Unauthorized, 'invalid enrollment token');
    }
    const { secret, hash } = newSecret();
    const worker = await this.workers.save(
      this.workers.create({
        name: dto.name,
        hostname: dto.hostname ?? null,
        pools: [...new Set(dto.pools)],
        backends: [...new Set(dto.backends)],
        credentialHash: hash,
        status: WorkerStatus.Active,
        costPerHour: dto.costPerHour ?? null,
        info: dto.info ?? {},
        lastHeartbeatAt: new Date(),
      }),
    );
    return { worker, credential: `${worker.id}.${secret}` };
  }

  /** Resolves the worker behind an Authorization header; a removed worker is no longer authorized. */
  async authenticate(authorization: string | undefined): Promise<WorkerEntity> {
    const cred = parseCredential(authorization);
    if (!cred) throw new DomainException(ErrorCode.Unauthorized, 'missing or malformed worker credential');
    const worker = await this.workers.findOneBy({ id: cred.workerId });
    if (!worker || !safeEqual(worker.credentialHash, hashSecret(cred.secret))) {
      throw new DomainException(ErrorCode.Unauthorized, 'invalid worker credential');
    }
    if (worker.status === WorkerStatus.Removed) throw new DomainException(ErrorCode.Forbidden, `worker ${worker.id} was removed`);
    return worker;
  }

  async heartbeat(worker: WorkerEntity, dto: HeartbeatRequestDto): Promise<WorkerStatus> {
    // A worker marked lost that heartbeats again is back (its shard was already released).
    const status = worker.status === WorkerStatus.Lost ? WorkerStatus.Active : worker.status;
    // jsonb: TypeORM's deep-partial typing does not fit Record<string, unknown>.
    const patch: QueryDeepPartialEntity<WorkerEntity> = {
      lastHeartbeatAt: new Date(),
      status,
      currentShardId: dto.currentShardId ?? null,
    };
    patch.info = { ...worker.info, ...(dto.info ?? {}) } as QueryDeepPartialEntity<WorkerEntity>['info'];
    await this.workers.update(worker.id, patch);
    return status;
  }

  async list(status?: WorkerStatus[]): Promise<WorkerEntity[]> {
    return this.workers.find({ where: status ? { status: In(status) } : {}, order: { registeredAt: 'DESC' } });
  }

  async get(id: string): Promise<WorkerEntity> {
    const w = await this.workers.findOneBy({ id });
    if (!w) throw notFound('worker', id);
    return w;
  }

  async setStatus(id: string, status: WorkerStatus): Promise<WorkerEntity> {
    const w = await this.get(id);
    if (w.status === WorkerStatus.Removed) throw new DomainException(ErrorCode.Conflict, `worker ${id} was removed`);
    await this.workers.update(id, { status, ...(status === WorkerStatus.Removed ? { currentShardId: null } : {}) });
    return this.get(id);
  }
}
