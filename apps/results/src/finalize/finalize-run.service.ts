import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ArtifactKind, RunStatus, ShardStatus } from '@app/contracts';
import { ModelEntity, RunBenchmarkEntity, RunEntity, ShardEntity } from '@app/database';
import { RunEvents } from '@app/queue';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { CalibrationNotifier } from '../calibrations/calibration-notifier.service';
import { RunDensityService } from '../density/run-density.service';
import { IngestShardService } from '../ingest/ingest-shard.service';
import { buildResultsJson } from './results-json';
import { RunMetricsService } from './run-metrics.service';

const DENSEBENCH_VERSION = packageVersion();

/** Tokens and busy time of a run's samples. Exported for bench/aggregation. */
export const RUN_TOTALS_SQL = `SELECT coalesce(sum(input_tokens),0)::float8 AS input, coalesce(sum(output_tokens),0)::float8 AS output,
                coalesce(sum(latency_ms::float8),0) AS busy FROM samples WHERE run_id = $1`;

/**
 * Runs once all shards of a run have ended (the flow's parent job): records shard failures, ingests
 * any artifact not yet ingested, aggregates metrics with stderr, totals tokens and time, writes
 * results.json to S3 and settles the run's status, then tells the calibrations that include the run. Idempotent.
 */
@Injectable()
export class FinalizeRunService {
  private readonly logger = new Logger(FinalizeRunService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ingest: IngestShardService,
    private readonly store: ArtifactStore,
    private readonly runMetrics: RunMetricsService,
    private readonly density: RunDensityService,
    private readonly calibrations: CalibrationNotifier,
    private readonly events: RunEvents,
  ) {}

  /** @param shardFailures shard id → the reason its job failed for good */
  async finalize(runId: string, shardFailures: Map<string, string>): Promise<RunStatus> {
    const runs = this.db.getRepository(RunEntity);
    const run = await runs.findOneBy({ id: runId });
    if (!run) throw new Error(`run ${runId} not found`);
    if (run.status === RunStatus.Succeeded || run.status === RunStatus.Failed) {
      // A retry after the run was settled: its calibrations may not have been told yet.
      await this.calibrations.runEnded(runId);
      return run.status;
    }

    const shards = await this.db.getRepository(ShardEntity).find({ where: { runId }, order: { benchmark: 'ASC', index: 'ASC' } });
    const errors: string[] = [];
    for (const s of shards) {
      if (s.ingestedAt || s.status === ShardStatus.Cancelled) continue;
      const failure = shardFailures.get(s.id);
      try {
        if (failure) throw new Error(failure);
        await this.ingest.ingest(s.id);
      } catch (err) {
        const reason = (err as Error).message;
        errors.push(`${s.benchmark} shard ${s.index}: ${reason}`);
        await this.db.getRepository(ShardEntity).update(s.id, { status: ShardStatus.Failed, error: reason, finishedAt: new Date() });
      }
    }

    const benchmarks = await this.runMetrics.aggregate(runId);
    const envelope = await this.envelope(runId, run.seed);
    const totals: { input: number; output: number; busy: number } = (
      await this.db.query(
        RUN_TOTALS_SQL,
        [runId],
      )
    )[0];
    const finishedAt = new Date();
    const wallMs = run.startedAt ? finishedAt.getTime() - run.startedAt.getTime() : null;
    const status = run.status === RunStatus.Cancelled ? RunStatus.Cancelled : errors.length ? RunStatus.Failed : RunStatus.Succeeded;
    const error =
      status === RunStatus.Cancelled ? run.error : errors.length ? `${errors.length} shard(s) failed; first: ${errors[0]}` : null;
    const metrics = Object.fromEntries(benchmarks.map((b) => [b.name, b.metrics]));

    const model = await this.db.getRepository(ModelEntity).findOneByOrFail({ id: run.modelId });
    const results = buildResultsJson({
      runId,
      model: { id: model.id, name: model.name, paramsTotal: model.paramsTotal, paramsActive: model.paramsActive, backend: model.backend },
      benchmarks,
      seed: run.seed,
      wallMs,
      tokens: { input: totals.input, output: totals.output },
      status,
      error,
      envelope,
    });
    await this.density.attachRunDensity(results, { runId, status, model, benchmarks });
    const key = artifactKeys.results(runId);
    const stored = await this.store.putBuffer(key, JSON.stringify(results, null, 2), 'application/json');

    await this.db.transaction(async (tx) => {
      for (const b of benchmarks) {
        await tx.update(RunBenchmarkEntity, { runId, name: b.name }, { metrics: b.metrics, doneSamples: b.evaluated });
      }
      await tx.query(
        `INSERT INTO artifacts (run_id, kind, key, content_type, size_bytes) VALUES ($1, $2, $3, 'application/json', $4)
         ON CONFLICT (key) DO UPDATE SET size_bytes = EXCLUDED.size_bytes`,
        [runId, ArtifactKind.Results, key, stored.sizeBytes],
      );
      await tx.update(RunEntity, { id: runId }, {
        status,
        error,
        metrics,
        inputTokens: totals.input,
        outputTokens: totals.output,
        busyMs: totals.busy,
        wallMs,
        finishedAt,
        // jsonb: TypeORM's deep-partial typing does not fit Record<string, unknown>.
        envelope: envelope as QueryDeepPartialEntity<RunEntity>['envelope'],
      });
    });
    this.logger.log(`run ${runId} ${status}${error ? `: ${error}` : ''}`);
    await this.events.publish(runId, 'ended');
    await this.calibrations.runEnded(runId);
    return status;
  }

  /**
   * The run's reproducibility envelope, from what each shard's worker reported: per task its version,
   * hashes, dataset hashes and few-shot settings; the distinct backends (engine, version, model hash,
   * device, batch settings) and machines that produced the samples.
   */
  private async envelope(runId: string, seed: number): Promise<Record<string, unknown>> {
    const rows: Array<{ benchmark: string; envelope: Record<string, any> | null }> = await this.db.query(
      `SELECT benchmark, envelope FROM shards WHERE run_id = $1 AND envelope IS NOT NULL ORDER BY benchmark, shard_index`,
      [runId],
    );
    const tasks: Record<string, unknown> = {};
    const backends = new Map<string, unknown>();
    const machines = new Map<string, unknown>();
    for (const { benchmark, envelope: e } of rows) {
      tasks[benchmark] ??= e?.task;
      if (e?.backend) backends.set(JSON.stringify({ ...e.backend, batch: e.batch }), { ...e.backend, batch: e.batch });
      if (e?.worker?.machine) machines.set(JSON.stringify(e.worker.machine), e.worker.machine);
    }
    return { densebench: DENSEBENCH_VERSION, seed, tasks, backends: [...backends.values()], machines: [...machines.values()] };
  }
}

/** densebench's version from the repository's package.json, found from here in the sources (ts) and in dist/ alike. */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'densebench' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
