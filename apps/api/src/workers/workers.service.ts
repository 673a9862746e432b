import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Not, Repository } from 'typeorm';
import { DomainException, ErrorCode, notFound, WorkerStatus } from '@app/contracts';
import { WorkerEntity } from '@app/database';
import { CurrentShardDto, HeartbeatRequestDto, RegisterWorkerRequestDto } from './dto/register-worker.dto';
import { EnrollmentTokensService } from './enrollment-tokens.service';
import { GroupWriter } from './group-writer';
import { hashSecret, newSecret, parseCredential, safeEqual } from './worker-credentials';

/** How long a verified worker credential is trusted without reading the worker again, and how many are kept. */
const AUTH_CACHE_MS = 10_000;
const AUTH_CACHE_MAX = 100_000;

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
      // The old credential stops here at once (other API replicas forget it within AUTH_CACHE_MS).
      this.verified.delete(dto.workerId);
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

  /**
   * Resolves the worker behind an Authorization header; a removed worker is no longer authorized. A
   * verified credential is remembered for AUTH_CACHE_MS (one SELECT fewer a heartbeat, claim or report);
   * this process forgets it at once when it removes the worker or a heartbeat finds it removed, and a
   * removal by another API replica is seen within AUTH_CACHE_MS.
   */
  async authenticate(authorization: string | undefined): Promise<WorkerEntity> {
    const cred = parseCredential(authorization);
    if (!cred) throw new DomainException(ErrorCode.Unauthorized, 'missing or malformed worker credential');
    const hash = hashSecret(cred.secret);
    const cached = this.verified.get(cred.workerId);
    if (cached && cached.until > Date.now() && safeEqual(cached.worker.credentialHash, hash)) return cached.worker;
    const worker = await this.workers.findOneBy({ id: cred.workerId });
    if (!worker || !safeEqual(worker.credentialHash, hash)) {
      throw new DomainException(ErrorCode.Unauthorized, 'invalid worker credential');
    }
    if (worker.status === WorkerStatus.Removed) throw new DomainException(ErrorCode.Forbidden, `worker ${worker.id} was removed`);
    if (this.verified.size >= AUTH_CACHE_MAX) this.verified.clear();
    this.verified.set(worker.id, { worker, until: Date.now() + AUTH_CACHE_MS });
    return worker;
  }

  private readonly verified = new Map<string, { worker: WorkerEntity; until: number }>();

  /**
   * A conditional UPDATE, so that a heartbeat in flight cannot undo what changed since its guard read
   * the worker: a drain stays, and a worker that deregistered stays removed (a stale write of "active"
   * there would let the sweeper later call it lost). A lost worker that heartbeats is back. Heartbeats
   * are group-committed: one statement for all that arrive while the previous one runs (GroupWriter).
   */
  async heartbeat(worker: WorkerEntity, dto: HeartbeatRequestDto): Promise<WorkerStatus> {
    const status = await this.beats.submit(worker.id, dto);
    if (!status) this.verified.delete(worker.id);
    if (!status) throw new DomainException(ErrorCode.Forbidden, `worker ${worker.id} was removed`);
    return status;
  }

  private readonly beats = new GroupWriter<HeartbeatRequestDto, WorkerStatus>(async (items) => {
    const ids = [...items.keys()];
    const dtos = [...items.values()];
    const rows: Array<{ id: string; status: WorkerStatus }> = await this.db.query(
      `WITH d AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bool[], $4::jsonb[]) AS d(id, shard, draining, info)),
       u AS (
         UPDATE workers w SET last_heartbeat_at = now(), current_shard_id = d.shard,
                status = CASE WHEN w.status = $5 THEN (CASE WHEN d.draining THEN $6 ELSE $7 END) ELSE w.status END,
                info = w.info || d.info
           FROM d WHERE w.id = d.id AND w.status <> $8
         RETURNING w.id, w.status
       ) SELECT id, status FROM u`,
      [
        ids,
        dtos.map((d) => d.currentShardId ?? null),
        dtos.map((d) => d.draining === true),
        dtos.map((d) => JSON.stringify(d.info ?? {})),
        WorkerStatus.Lost,
        WorkerStatus.Draining,
        WorkerStatus.Active,
        WorkerStatus.Removed,
      ],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  });

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
    this.verified.delete(id);
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
