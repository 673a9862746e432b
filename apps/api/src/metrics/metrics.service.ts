import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { MetricsRepository } from '@app/database';
import { PoolQueues, QueueName } from '@app/queue';

const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'waiting-children'] as const;

/**
 * Prometheus metrics, gathered when scraped: queue depth per pool (what autoscalers read), runs and
 * workers by status, and the process's own metrics.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  constructor(
    private readonly counts: MetricsRepository,
    private readonly pools: PoolQueues,
    @InjectQueue(QueueName.Results) private readonly results: Queue,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'densebench_api_' });
    // collect() runs with the gauge as `this`: it reaches the collaborators through the constructor's parameters.
    new Gauge({
      name: 'densebench_queue_jobs',
      help: 'BullMQ jobs per shard pool (summed over backends; _results for the results queue) and state',
      labelNames: ['pool', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { pool, backend } of await counts.knownQueues()) {
          const counts = await pools.get(pool, backend).getJobCounts(...JOB_STATES);
          for (const s of JOB_STATES) this.inc({ pool, state: s }, counts[s] ?? 0);
        }
        const r = await results.getJobCounts(...JOB_STATES);
        for (const s of JOB_STATES) this.set({ pool: '_results', state: s }, r[s] ?? 0);
      },
    });
    new Gauge({
      name: 'densebench_runs',
      help: 'Runs by status',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const row of await counts.runsByStatus()) this.set({ status: row.status }, row.n);
      },
    });
    new Gauge({
      name: 'densebench_workers',
      help: 'Registered workers by status and pool',
      labelNames: ['status', 'pool'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const rows = await counts.workersByStatusAndPool();
        for (const row of rows) this.set({ status: row.status, pool: row.pool }, row.n);
      },
    });
  }
}
