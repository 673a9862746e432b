import { InjectFlowProducer, InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { FlowProducer, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { queueConfig } from '@app/config';
import { OpenShardRow, RunsRepository, ShardsRepository } from '@app/database';
import { jobIds, PoolQueues, QueuedRun, QueueName, RUN_FLOW_PRODUCER, runFlow, shardJob } from '@app/queue';
import { ArtifactStore } from '@app/storage';
import { IngestShardService } from '../ingest/ingest-shard.service';

export interface ReconcileOutcome {
  /** Runs whose flow was added again (it was missing from Redis). */
  rebuilt: string[];
  /** Shard jobs added again (to a flow that was there, or in a rebuilt one). */
  requeued: number;
  /** Shards whose stored artifact was ingested here (their ingest job was lost). */
  ingested: number;
}

/** Runs checked per database query and Redis round trip. */
const RECONCILE_BATCH = 500;

/**
 * Postgres is enough to rebuild the queue. For every run Postgres says is queued or running (older than
 * RECONCILE_GRACE_MS: a younger one may still be enqueueing), the shards not yet ingested that have no
 * job in BullMQ are found; those whose artifact is stored whole are ingested now, the others get their
 * job back: in the run's flow when its finalize job still waits for its children, else in a new flow
 * with the same job ids. Running it twice, or beside a submission or a worker, enqueues nothing twice:
 * BullMQ ignores an id it has, and ingestion is idempotent on (run, benchmark, doc).
 */
@Injectable()
export class ReconcileRunsService {
  private readonly logger = new Logger(ReconcileRunsService.name);

  constructor(
    private readonly runs: RunsRepository,
    private readonly shards: ShardsRepository,
    @InjectQueue(QueueName.Results) private readonly results: Queue,
    @InjectFlowProducer(RUN_FLOW_PRODUCER) private readonly flows: FlowProducer,
    @Inject(queueConfig.KEY) private readonly cfg: ConfigType<typeof queueConfig>,
    private readonly pools: PoolQueues,
    private readonly store: ArtifactStore,
    private readonly ingest: IngestShardService,
  ) {}

  async reconcile(): Promise<ReconcileOutcome> {
    const runs: QueuedRun[] = await this.runs.openRuns(this.cfg.reconcileGraceMs);
    const out: ReconcileOutcome = { rebuilt: [], requeued: 0, ingested: 0 };
    for (let i = 0; i < runs.length; i += RECONCILE_BATCH) {
      const batch = runs.slice(i, i + RECONCILE_BATCH);
      let suspects: QueuedRun[];
      try {
        suspects = await this.suspects(batch);
      } catch (err) {
        this.logger.warn(`${batch.length} run(s) not reconciled this time: ${(err as Error).message}`);
        continue;
      }
      for (const run of suspects) {
        try {
          await this.reconcileRun(run, out);
        } catch (err) {
          this.logger.warn(`run ${run.id} not reconciled this time: ${(err as Error).message}`);
        }
      }
    }
    if (out.rebuilt.length || out.requeued || out.ingested) {
      this.logger.warn(`reconciled: ${out.rebuilt.length} flow(s) rebuilt (${out.rebuilt.join(', ')}), ${out.requeued} shard job(s) requeued, ${out.ingested} stored shard(s) ingested`);
    }
    return out;
  }

  /**
   * The runs of a batch that may have lost a job: their finalize job, or the job of one of their open shards, is not
   * in BullMQ. One query and one Redis round trip for the whole batch, so that thousands of queued runs waiting for
   * workers cost a few statements a pass; only the suspects are looked at one by one.
   */
  private async suspects(batch: QueuedRun[]): Promise<QueuedRun[]> {
    const open = new Map<string, string[]>();
    for (const s of await this.shards.openNotIngestedOfRuns(batch.map((r) => r.id))) {
      const ids = open.get(s.run_id);
      if (ids) ids.push(s.id);
      else open.set(s.run_id, [s.id]);
    }
    const client = (await this.results.client) as unknown as IORedis;
    const p = client.pipeline();
    for (const run of batch) {
      p.exists(this.results.toKey(jobIds.finalize(run.id)));
      const queue = this.pools.get(run.pool, run.backend);
      for (const id of open.get(run.id) ?? []) p.exists(queue.toKey(jobIds.shard(id)));
    }
    const res = (await p.exec()) ?? [];
    let at = 0;
    return batch.filter((run) => {
      const n = 1 + (open.get(run.id)?.length ?? 0);
      const found = res.slice(at, at + n);
      at += n;
      return found.length < n || found.some(([err, exists]) => err || exists === 0);
    });
  }

  private async reconcileRun(run: QueuedRun, out: ReconcileOutcome): Promise<void> {
    const open = await this.shards.openNotIngested(run.id);
    const finalize = await this.results.getJob(jobIds.finalize(run.id));
    const missing = await this.withoutJob(run, open);
    if (finalize && missing.length === 0) return;
    const toRun: string[] = [];
    for (const s of missing) {
      if (await this.storedWhole(s)) {
        await this.ingest.ingest(s.id);
        out.ingested++;
      } else toRun.push(s.id);
    }
    if (!finalize) {
      await this.flows.add(runFlow(run, toRun, this.cfg));
      out.rebuilt.push(run.id);
      out.requeued += toRun.length;
      return;
    }
    // The flow is there, some children are not: add them under its parent while it still waits for children.
    if ((await finalize.getState()) !== 'waiting-children') return;
    const queue = this.pools.get(run.pool, run.backend);
    for (const id of toRun) {
      const job = shardJob(run, id, this.cfg);
      await queue.add(job.name, job.data, { ...job.opts, parent: { id: finalize.id!, queue: this.results.qualifiedName } });
      out.requeued++;
    }
  }

  /** The open shards whose job is in none of BullMQ's states (one EXISTS each, one round trip). */
  private async withoutJob(run: QueuedRun, open: OpenShardRow[]): Promise<OpenShardRow[]> {
    if (open.length === 0) return [];
    const queue = this.pools.get(run.pool, run.backend);
    const client = (await queue.client) as unknown as IORedis;
    const p = client.pipeline();
    for (const s of open) p.exists(queue.toKey(jobIds.shard(s.id)));
    const res = (await p.exec()) ?? [];
    return open.filter((_, i) => {
      const [err, n] = res[i] ?? [new Error('no reply'), 0];
      if (err) throw err;
      return n === 0;
    });
  }

  /** The shard's artifact is stored and whole: written by this shard, with every sample (the writer's metadata). */
  private async storedWhole(s: OpenShardRow): Promise<boolean> {
    const head = await this.store.head(s.artifact_key);
    return head !== null && head.metadata['shard-id'] === s.id && head.metadata.samples === String(s.samples);
  }
}
