import { Injectable } from '@nestjs/common';
import { DomainException, ErrorCode, notFound, WorkerStatus } from '@app/contracts';
import { HeartbeatResult, HeartbeatWrite, WorkerEntity, WorkersRepository } from '@app/database';
import { CurrentShardDto, HeartbeatRequestDto, RegisterWorkerRequestDto } from './dto/register-worker.dto';
import { EnrollmentTokensService } from './enrollment-tokens.service';
import { Batcher } from './batcher';
import { VerifiedWorkers } from './verified-workers';
import { hashSecret, newSecret, parseCredential, safeEqual } from './worker-credentials';

/** How long a verified worker credential is trusted without reading the worker again, and how many are kept. */
const AUTH_CACHE_MS = 10_000;
const AUTH_CACHE_MAX = 100_000;

@Injectable()
export class WorkersService {
  private readonly verified = new VerifiedWorkers(AUTH_CACHE_MS, AUTH_CACHE_MAX);

  constructor(
    private readonly workers: WorkersRepository,
    private readonly enrollment: EnrollmentTokensService,
  ) {}

  /**
   * A new worker, or (with workerId) a worker registering again: it keeps its id and gets a new credential, and
   * the old one stops working at once. Either way the enrollment token must be valid.
   */
  async register(dto: RegisterWorkerRequestDto): Promise<{ worker: WorkerEntity; credential: string }> {
    await this.enrollment.admit(dto.enrollmentToken, dto.pools);
    const { secret, hash } = newSecret();
    const pools = [...new Set(dto.pools)];
    const backends = [...new Set(dto.backends)];
    if (dto.workerId) {
      const worker = await this.workers.reRegister(dto.workerId, hash, pools, backends);
      if (!worker) throw notFound('worker', dto.workerId);
      // The old credential stops here at once: the entry now holds the new one (other API replicas forget it within
      // AUTH_CACHE_MS).
      this.verified.remember(worker);
      return { worker, credential: `${dto.workerId}.${secret}` };
    }
    const worker = await this.workers.insert({
      name: dto.name,
      hostname: dto.hostname ?? null,
      pools,
      backends,
      credentialHash: hash,
      costPerHour: dto.costPerHour ?? null,
      info: dto.info ?? {},
    });
    // its first heartbeat needs no read: the credential was just made
    this.verified.remember(worker);
    return { worker, credential: `${worker.id}.${secret}` };
  }

  /**
   * Resolves the worker behind an Authorization header; a removed worker is no longer authorized. A verified
   * credential is remembered (VerifiedWorkers: renewed by each heartbeat write); this process forgets it at once
   * when it removes the worker or a heartbeat finds it removed, and a removal by another API replica is seen
   * within AUTH_CACHE_MS.
   */
  async authenticate(authorization: string | undefined): Promise<WorkerEntity> {
    const cred = parseCredential(authorization);
    if (!cred) throw new DomainException(ErrorCode.Unauthorized, 'missing or malformed worker credential');
    const hash = hashSecret(cred.secret);
    const cached = this.verified.get(cred.workerId, hash);
    if (cached) return cached;
    const worker = await this.reads.submit(cred.workerId, null);
    if (!worker || !safeEqual(worker.credentialHash, hash)) {
      throw new DomainException(ErrorCode.Unauthorized, 'invalid worker credential');
    }
    if (worker.status === WorkerStatus.Removed) throw new DomainException(ErrorCode.Forbidden, `worker ${worker.id} was removed`);
    this.verified.remember(worker);
    return worker;
  }

  /**
   * Written by a conditional UPDATE, so that a heartbeat in flight cannot undo what changed since its guard read
   * the worker: a drain stays, and a worker that deregistered stays removed. A lost worker that heartbeats is
   * back. Heartbeats are group-committed: one statement for all that arrive while the previous one runs.
   */
  async heartbeat(worker: WorkerEntity, dto: HeartbeatRequestDto): Promise<WorkerStatus> {
    const found = await this.beats.submit(worker.id, {
      currentShardId: dto.currentShardId ?? null,
      draining: dto.draining === true,
      info: dto.info ?? {},
    });
    if (!found) throw new DomainException(ErrorCode.Forbidden, `worker ${worker.id} was removed`);
    return found.status;
  }

  /** Reads of workers not verified lately, many in one query (a restarted API process meets the whole fleet at once). */
  private readonly reads = new Batcher<null, WorkerEntity>(async (items) => {
    const found = await this.workers.findByIds([...items.keys()]);
    return new Map(found.map((w) => [w.id, w]));
  });

  private readonly beats = new Batcher<HeartbeatWrite, HeartbeatResult>(async (items) => {
    const found = await this.workers.writeHeartbeats(items);
    for (const id of items.keys()) this.verified.confirm(id, found.get(id));
    return found;
  });

  async list(status?: WorkerStatus[]): Promise<WorkerEntity[]> {
    return this.workers.list(status);
  }

  /** The workers (list()) with the shard each is running, read in one query. */
  async listWithShards(status?: WorkerStatus[]): Promise<Array<{ worker: WorkerEntity; shard: CurrentShardDto | null }>> {
    const workers = await this.list(status);
    const rows = await this.workers.runningShards(workers.map((w) => w.currentShardId).filter((id): id is string => id !== null));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return workers.map((worker) => ({ worker, shard: (worker.currentShardId && byId.get(worker.currentShardId)) || null }));
  }

  async get(id: string): Promise<WorkerEntity> {
    const w = await this.workers.findById(id);
    if (!w) throw notFound('worker', id);
    return w;
  }

  /** Conditional too: a removed worker stays removed, whatever else is in flight. */
  async setStatus(id: string, status: WorkerStatus): Promise<WorkerEntity> {
    this.verified.forget(id);
    const updated = await this.workers.setStatus(id, status);
    if (updated) return updated;
    await this.get(id);
    throw new DomainException(ErrorCode.Conflict, `worker ${id} was removed`);
  }
}
