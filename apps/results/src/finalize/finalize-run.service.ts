import { Injectable, Logger } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ArtifactKind, RunStatus, ShardStatus } from '@app/contracts';
import { ArtifactsRepository, ModelsRepository, RunsRepository, SamplesRepository, ShardsRepository } from '@app/database';
import { RunEvents } from '@app/queue';
import { ArtifactStore, artifactKeys } from '@app/storage';
import { CalibrationNotifier } from '../calibrations/calibration-notifier.service';
import { RunDensityService } from '../density/run-density.service';
import { IngestShardService } from '../ingest/ingest-shard.service';
import { buildResultsJson } from './results-json';
import { RunMetricsService } from './run-metrics.service';

const DENSEBENCH_VERSION = packageVersion();

/**
 * Runs once all shards of a run have ended (the flow's parent job): records shard failures, ingests
 * any artifact not yet ingested, aggregates metrics with stderr, totals tokens and time, writes
 * results.json to S3 and settles the run's status, then tells the calibrations that include the run. Idempotent.
 */
@Injectable()
export class FinalizeRunService {
  private readonly logger = new Logger(FinalizeRunService.name);

  constructor(
    private readonly runs: RunsRepository,
    private readonly shardsRepo: ShardsRepository,
    private readonly samples: SamplesRepository,
    private readonly models: ModelsRepository,
    private readonly artifacts: ArtifactsRepository,
    private readonly ingest: IngestShardService,
    private readonly store: ArtifactStore,
    private readonly runMetrics: RunMetricsService,
    private readonly density: RunDensityService,
    private readonly calibrations: CalibrationNotifier,
    private readonly events: RunEvents,
  ) {}

  /** @param shardFailures shard id → the reason its job failed for good */
  async finalize(runId: string, shardFailures: Map<string, string>): Promise<RunStatus> {
    const run = await this.runs.get(runId);
    if (!run) throw new Error(`run ${runId} not found`);
    if (run.status === RunStatus.Succeeded || run.status === RunStatus.Failed) {
      // A retry after the run was settled: its calibrations may not have been told yet.
      await this.calibrations.runEnded(runId);
      return run.status;
    }

    const shards = await this.shardsRepo.ofRun(runId);
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
        await this.shardsRepo.markFailed(s.id, reason);
      }
    }

    const benchmarks = await this.runMetrics.aggregate(runId);
    const envelope = await this.envelope(runId, run.seed);
    const totals = await this.samples.runTotals(runId);
    const finishedAt = new Date();
    const wallMs = run.startedAt ? finishedAt.getTime() - run.startedAt.getTime() : null;
    const status = run.status === RunStatus.Cancelled ? RunStatus.Cancelled : errors.length ? RunStatus.Failed : RunStatus.Succeeded;
    const error =
      status === RunStatus.Cancelled ? run.error : errors.length ? `${errors.length} shard(s) failed; first: ${errors[0]}` : null;
    const metrics = Object.fromEntries(benchmarks.map((b) => [b.name, b.metrics]));

    const model = await this.models.get(run.modelId);
    if (!model) throw new Error(`model ${run.modelId} of run ${runId} not found`);
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

    await this.runs.transaction(async (tx) => {
      for (const b of benchmarks) await this.runs.setBenchmarkResults(runId, b.name, b.metrics, b.evaluated, tx);
      await this.artifacts.upsert({ runId, kind: ArtifactKind.Results, key, contentType: 'application/json', sizeBytes: stored.sizeBytes }, tx);
      await this.runs.settle(runId, {
        status,
        error,
        metrics,
        inputTokens: totals.input,
        outputTokens: totals.output,
        busyMs: totals.busy,
        wallMs,
        finishedAt,
        envelope,
      }, tx);
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
    const rows = await this.shardsRepo.envelopes(runId);
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
