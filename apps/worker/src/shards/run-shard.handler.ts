import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { scoreSample, TaskRegistry } from '@app/benchmarks';
import { DomainException, ErrorCode, ShardOutcome, ShardSpec } from '@app/contracts';
import { InferenceBackend } from '@app/inference';
import { JobName, JobPayloadMap, jobIds, QueueName, resultsJobOptions, RowsHandoff } from '@app/queue';
import { ArtifactStore } from '@app/storage';
import { AgentState } from '../agent/agent-state';
import { ApiClient } from '../agent/api-client';
import { machineInfo } from '../agent/machine-info';
import { ModelManager } from '../models/model-manager.service';
import { CodeSandboxProvider } from './code-sandbox.provider';
import { answerRequests } from './request-dispatch';
import { SampleArtifactWriter } from './sample-artifact-writer';
import { sampleTiming } from './sample-timing';

const PROGRESS_EVERY_MS = 2_000;

/**
 * Runs one shard: claim it (the API records its start and returns its spec); on a restarted job, skip
 * if its artifact already validates; otherwise score its documents through the model backend in
 * batches, stream per-sample records to S3, report progress (which also tells us when the run was
 * cancelled; the first report carries the envelope), then hand the artifact to the results service.
 */
@Injectable()
export class RunShardHandler {
  private readonly logger = new Logger(RunShardHandler.name);
  private readonly machine = machineInfo();
  /** Custom task name → the YAML it was registered from. */
  private readonly customTasks = new Map<string, string>();

  constructor(
    private readonly api: ApiClient,
    private readonly store: ArtifactStore,
    private readonly registry: TaskRegistry,
    private readonly models: ModelManager,
    private readonly state: AgentState,
    private readonly sandbox: CodeSandboxProvider,
    private readonly handoff: RowsHandoff,
    @InjectQueue(QueueName.Results) private readonly results: Queue,
  ) {}

  async run(data: JobPayloadMap[JobName.RunShard], ctx: { job: Job; signal?: AbortSignal }): Promise<ShardOutcome | { cancelled: string }> {
    // One round trip: the API records the start and says what to run (or that the run ended).
    const claim = await this.api.claimShard(data.shardId);
    if (!claim.proceed || !claim.spec) return { cancelled: claim.reason ?? 'refused by the API' };
    const spec = claim.spec;
    const expected = spec.docEnd - spec.docStart;
    // Only a job started before (retried, or back from a lost worker) can find its artifact already
    // stored by an attempt that did not hand it over; a first start skips the S3 round trip.
    const existing = (ctx.job.attemptsStarted ?? 2) > 1 ? await this.store.head(spec.artifactKey) : null;
    if (existing && existing.metadata.samples === String(expected) && existing.metadata['shard-id'] === spec.shardId) {
      await this.enqueueIngest(spec);
      return { shardId: spec.shardId, artifactKey: spec.artifactKey, samples: expected, skipped: true };
    }
    if (spec.taskYaml && this.customTasks.get(spec.benchmark) !== spec.taskYaml) {
      // A task registered through the API: the same definition on every worker (data is checked at registration).
      await this.registry.registerYaml(spec.taskYaml, { source: `run ${spec.runId}`, replace: true, checkData: false });
      this.customTasks.set(spec.benchmark, spec.taskYaml);
    }
    const backend = await this.models.acquire(spec.model);
    this.state.currentShardId = spec.shardId;
    try {
      // Loading a model can take minutes: a shutdown that came meanwhile releases the shard now,
      // before its data is loaded too.
      throwIfAborted(ctx.signal, spec.shardId);
      const outcome = await this.score(spec, backend, ctx, await this.envelope(spec, backend));
      if ('cancelled' in outcome) return outcome;
      await this.enqueueIngest(spec);
      this.state.shardsDone++;
      return outcome;
    } finally {
      this.models.release(backend);
      this.state.currentShardId = null;
    }
  }

  private async score(spec: ShardSpec, backend: InferenceBackend, ctx: { job: Job; signal?: AbortSignal }, envelope: Record<string, unknown>) {
    const task = this.registry.get(spec.benchmark);
    const executor = task.unsafeCode ? this.sandbox.require(task.name) : undefined;
    const prepared = await this.registry.prepare(spec.benchmark, spec.docStart, spec.docEnd, {
      numFewshot: spec.numFewshot ?? undefined,
      seed: spec.seed,
    });
    const writer = new SampleArtifactWriter(this.store, spec.artifactKey, {
      'run-id': spec.runId,
      'shard-id': spec.shardId,
      benchmark: spec.benchmark,
      samples: String(prepared.length),
      'worker-id': this.api.workerId ?? '',
    });
    let done = 0;
    let reports = 0;
    let lastReport = 0;
    let outputTokens = 0;
    let stopped: string | undefined;
    const t0 = Date.now();
    // The API hears of progress as samples finish (at most every PROGRESS_EVERY_MS, one report in flight);
    // the first report carries the envelope, and a report may say the run was cancelled.
    let reporting: Promise<void> = Promise.resolve();
    const report = (final: boolean): Promise<void> => {
      if (!final && (Date.now() - lastReport < PROGRESS_EVERY_MS || stopped !== undefined)) return reporting;
      lastReport = Date.now();
      const rate = outputTokens / Math.max(0.001, (Date.now() - t0) / 1000);
      this.state.tokensPerSecond = rate;
      const at = done;
      reporting = reporting.catch(() => undefined).then(async () => {
        await ctx.job.updateProgress({ done: at, total: prepared.length, outputTokensPerSecond: rate });
        const control = await this.api.shardProgress(spec.shardId, at, reports++ === 0 ? envelope : undefined, { outputTokens, outputTokensPerSecond: rate });
        if (!control.proceed && stopped === undefined) stopped = control.reason ?? 'stopped by the API';
      });
      return reporting;
    };
    try {
      throwIfAborted(ctx.signal, spec.shardId);
      // The whole shard at once: the backend batches across every document (continuous batching,
      // prefix caching, a generation's prompt shared with its conditional-loss request).
      const bt0 = performance.now();
      const responses = await answerRequests(backend, prepared, { signal: ctx.signal }, (p) => {
        done = p.samples;
        outputTokens = p.outputTokens;
        void report(false).catch(() => undefined);
      });
      const perDocMs = (performance.now() - bt0) / Math.max(1, prepared.length);
      for (let j = 0; j < prepared.length; j++) {
        const record = await scoreSample(task, prepared[j], responses[j], sampleTiming(perDocMs, responses[j]), { executor });
        await writer.write(record);
      }
      done = prepared.length;
      await reporting.catch(() => undefined);
      await report(true);
      if (stopped !== undefined) {
        writer.abort(new Error('cancelled'));
        this.logger.log(`shard ${spec.shardId} stopped: ${stopped}`);
        return { cancelled: stopped };
      }
      const stored = await writer.finish();
      // Small rows objects also go to the results service through Redis: one S3 GET fewer a shard.
      await this.handoff.put(spec.shardId, { rows: stored.rows, samplesBytes: stored.samples.sizeBytes });
      this.logger.log(`shard ${spec.shardId} (${spec.benchmark} ${spec.docStart}-${spec.docEnd}): ${done} samples, ${stored.samples.sizeBytes} bytes`);
      return { shardId: spec.shardId, artifactKey: spec.artifactKey, samples: done, skipped: false };
    } catch (err) {
      writer.abort(err as Error);
      throw err;
    }
  }

  /** What produced this shard's numbers (stored with the shard, merged into the run's envelope). */
  private async envelope(spec: ShardSpec, backend: InferenceBackend): Promise<Record<string, unknown>> {
    return {
      backend: backend.info,
      task: await this.registry.envelope(spec.benchmark, { numFewshot: spec.numFewshot ?? undefined, seed: spec.seed }),
      batch: { docsPerBatch: 'shard', contextSize: backend.info.contextSize, batchSize: backend.info.batchSize },
      worker: { id: this.api.workerId, machine: await this.machine },
    };
  }

  private async enqueueIngest(spec: ShardSpec): Promise<void> {
    await this.results.add(
      JobName.IngestShard,
      { runId: spec.runId, shardId: spec.shardId },
      { ...resultsJobOptions, jobId: jobIds.ingest(spec.shardId) },
    );
  }
}

function throwIfAborted(signal: AbortSignal | undefined, shardId: string): void {
  if (signal?.aborted) throw new DomainException(ErrorCode.Cancelled, `shard ${shardId} aborted: ${String(signal.reason)}`);
}
