import { WorkerEntity } from '@app/database';
import { safeEqual } from './worker-credentials';

/**
 * Workers whose credential this process verified recently, so that a heartbeat, claim or report costs no read of
 * the worker. An entry lasts `ttlMs` after its last confirmation: a verification against Postgres, or a heartbeat
 * write whose answer showed the same credential and the worker's current status (so a worker that heartbeats is
 * never read again). A removal or a new credential made by another API process is seen within `ttlMs`.
 */
export class VerifiedWorkers {
  private readonly entries = new Map<string, { worker: WorkerEntity; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  /** The worker, when its credential hash matches one verified within ttlMs. */
  get(id: string, credentialHash: string): WorkerEntity | undefined {
    const e = this.entries.get(id);
    if (!e || e.until <= Date.now() || !safeEqual(e.worker.credentialHash, credentialHash)) return undefined;
    return e.worker;
  }

  remember(worker: WorkerEntity): void {
    if (this.entries.size >= this.max && !this.entries.has(worker.id)) this.entries.clear();
    this.entries.set(worker.id, { worker, until: Date.now() + this.ttlMs });
  }

  /**
   * What a heartbeat write found: the worker's status and credential now. The same credential renews the entry
   * and updates its status; another one (registered again elsewhere) or none (removed) drops it.
   */
  confirm(id: string, found: { status: WorkerEntity['status']; credentialHash: string } | undefined): void {
    const e = this.entries.get(id);
    if (!e) return;
    if (!found || !safeEqual(e.worker.credentialHash, found.credentialHash)) {
      this.entries.delete(id);
      return;
    }
    e.worker = { ...e.worker, status: found.status };
    e.until = Date.now() + this.ttlMs;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}
