import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Not, Repository } from 'typeorm';
import { DomainException, ErrorCode, notFound, WorkerStatus } from '@app/contracts';
import { WorkerEntity } from '@app/database';
import { CurrentShardDto, HeartbeatRequestDto, RegisterWorkerRequestDto } from './dto/register-worker.dto';
import { EnrollmentTokensService } from './enrollment-tokens.service';
import { hashSecret, newSecret, parseCredential, safeEqual } from './worker-credentials';

@Injectable()
export class WorkersService {
  constructor(
    @InjectRepository(WorkerEntity) private readonly workers: Repository<WorkerEntity>,
    private readonly enrollment: EnrollmentTokensService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * A new worker, or (with workerId) a worker registering again: it keeps its id and gets a new credential, and
   * the old one stops working at once. Either way the enrollment token must be valid.
   */
  async register(dto: RegisterWorkerRequestDto): Promise<{ worker: WorkerEntity; credential: string }> {
    await this.enrollment.admit(dto.enrollmentToken, dto.pools);
    const { secret, hash } = newSecret();
    if (dto.workerId) {
      const res = await this.workers.update(
        { id: dto.workerId, status: Not(WorkerStatus.Removed) },
        { credentialHash: hash, status: WorkerStatus.Active, lastHeartbeatAt: () => 'now()', pools: [...new Set(dto.pools)], backends: [...new Set(dto.backends)] },
      );
      if (!res.affected) throw notFound('worker', dto.workerId);
      return { worker: await this.get(dto.workerId), credential: `${dto.workerId}.${secret}` };
    }
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

  /**
   * One conditional UPDATE, so that a heartbeat in flight cannot undo what changed since its guard
   * read the worker: a drain stays, and a worker that deregistered stays removed (a stale write of
   * "active" there would let the sweeper later call it lost). A lost worker that heartbeats is back.
   */
  async heartbeat(worker: WorkerEntity, dto: HeartbeatRequestDto): Promise<WorkerStatus> {
    const res = await this.workers
      .createQueryBuilder()
      .update(WorkerEntity)
      .set({
        lastHeartbeatAt: () => 'now()',
        currentShardId: dto.currentShardId ?? null,
        // Back from lost: active again, or still draining if the worker says it takes no more shards.
        status: () => 'CASE WHEN status = :lost THEN (CASE WHEN :draining THEN :drainingStatus ELSE :active END) ELSE status END',
        info: () => 'info || CAST(:info AS jsonb)',
      })
      .where('id = :id AND status <> :removed')
      .setParameters({
        id: worker.id,
        lost: WorkerStatus.Lost,
        active: WorkerStatus.Active,
        removed: WorkerStatus.Removed,
        draining: dto.draining === true,
        drainingStatus: WorkerStatus.Draining,
        info: JSON.stringify(dto.info ?? {}),
      })
      .returning(['status'])
      .execute();
    const row = (res.raw as Array<{ status: WorkerStatus }>)[0];
    if (!row) throw new DomainException(ErrorCode.Forbidden, `worker ${worker.id} was removed`);
    return row.status;
  }

  async list(status?: WorkerStatus[]): Promise<WorkerEntity[]> {
    return this.workers.find({ where: status ? { status: In(status) } : {}, order: { registeredAt: 'DESC' } });
  }

  /** The workers (list()) with the shard each is running, read in one query. */
  async listWithShards(status?: WorkerStatus[]): Promise<Array<{ worker: WorkerEntity; shard: CurrentShardDto | null }>> {
    const workers = await this.list(status);
    const ids = workers.map((w) => w.currentShardId).filter((id): id is string => id !== null);
    const rows: CurrentShardDto[] = ids.length
      ? await this.db.query(
          `SELECT id, run_id AS "runId", benchmark, done_samples AS done, (doc_end - doc_start) AS total FROM shards WHERE id = ANY($1::uuid[])`,
          [ids],
        )
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return workers.map((worker) => ({ worker, shard: (worker.currentShardId && byId.get(worker.currentShardId)) || null }));
  }

  async get(id: string): Promise<WorkerEntity> {
    const w = await this.workers.findOneBy({ id });
    if (!w) throw notFound('worker', id);
    return w;
  }

  /** Conditional too: a removed worker stays removed, whatever else is in flight. */
  async setStatus(id: string, status: WorkerStatus): Promise<WorkerEntity> {
    const res = await this.workers
      .createQueryBuilder()
      .update(WorkerEntity)
      .set({ status, ...(status === WorkerStatus.Removed ? { currentShardId: null } : {}) })
      .where('id = :id AND status <> :removed', { id, removed: WorkerStatus.Removed })
      .execute();
    const w = await this.get(id);
    if (!res.affected) throw new DomainException(ErrorCode.Conflict, `worker ${id} was removed`);
    return w;
  }
}
