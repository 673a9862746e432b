import { Injectable } from '@nestjs/common';
import { BackendKind, notFound, ReplayBackendSpec, RunStatus, ShardSpec, ShardStatus } from '@app/contracts';
import { ShardSpecRow, ShardsRepository, WorkerEntity } from '@app/database';
import { RunEvents } from '@app/queue';
import { BenchmarkCatalog } from '../benchmarks/benchmark-catalog.service';

const ENDED_RUN = [RunStatus.Cancelled, RunStatus.Failed, RunStatus.Succeeded];

/** The worker-facing side of shards: claims (start and spec in one), progress reports with the shard's envelope. */
@Injectable()
export class ShardsService {
  constructor(
    private readonly shards: ShardsRepository,
    private readonly catalog: BenchmarkCatalog,
    private readonly events: RunEvents,
  ) {}

  private async specOf(row: ShardSpecRow): Promise<ShardSpec> {
    const { modelId, modelName, backend, backendOverride, ...rest } = row;
    // A re-scoring run's shards replay its source's outputs of the same benchmark instead of running the model.
    const effective = backendOverride?.kind === BackendKind.Replay ? await this.replaySpec(backendOverride, rest) : (backendOverride ?? backend);
    return {
      ...rest,
      model: { id: modelId, name: modelName, backend: effective as ShardSpec['model']['backend'] },
      taskYaml: await this.catalog.yamlFor(rest.benchmark),
    };
  }

  /**
   * The replay of a re-scoring shard: its source's outputs of the same benchmark, and the source's
   * artifacts holding the shard's documents, so that each worker loads only its part of the source.
   * Without source shards over the range (none stored), the worker loads the benchmark's artifacts.
   */
  private async replaySpec(replay: ReplayBackendSpec, shard: Pick<ShardSpec, 'benchmark' | 'docStart' | 'docEnd'>): Promise<ReplayBackendSpec> {
    const artifacts = await this.shards.replayArtifacts(replay.sourceRunId, shard.benchmark, shard.docStart, shard.docEnd);
    const spec: ReplayBackendSpec = { ...replay, benchmark: shard.benchmark };
    if (artifacts.length) spec.artifacts = artifacts;
    return spec;
  }

  /**
   * A worker's first request for a job: the shard starts (or restarts; its envelope is reset until the worker reports
   * it) and its spec comes back, in one statement, so that a shard's start is recorded one round trip after the worker
   * takes it. Refused when the run has ended or the shard is done or cancelled.
   */
  async claim(id: string, worker: WorkerEntity): Promise<{ proceed: boolean; reason?: string; spec?: ShardSpec }> {
    const r = await this.shards.claim(id, worker.id);
    if (r.started && r.spec) {
      void this.events.publish(r.run_id!, 'started');
      return { proceed: true, spec: await this.specOf(r.spec) };
    }
    if (!r.shard_status) throw notFound('shard', id);
    if (ENDED_RUN.includes(r.run_status!) || r.shard_status === ShardStatus.Cancelled) return { proceed: false, reason: `run ${r.run_id} is ${r.run_status}` };
    if (r.shard_status === ShardStatus.Done) return { proceed: false, reason: 'shard already done' };
    return { proceed: false, reason: 'the shard or its run changed while it was starting' };
  }

  /**
   * Live progress from the worker running a shard; tells it to stop when the run was cancelled or
   * the shard is no longer its own. A shard the sweep put back to pending while its worker was only
   * cut off (its BullMQ lock held: no other worker can have it) is taken back by that worker's next
   * report, instead of being left pending with its job ended.
   */
  async progress(
    id: string,
    worker: WorkerEntity,
    done: number,
    envelope: Record<string, unknown> | null = null,
    outputTokensPerSecond: number | null = null,
  ): Promise<{ proceed: boolean; reason?: string }> {
    const r = await this.shards.progress(id, worker.id, { done, envelope, outputTokensPerSecond });
    if (!r) throw notFound('shard', id);
    if (!r.updated) return { proceed: false, reason: `shard is ${r.status}${r.worker_id !== worker.id ? ' on another worker' : ''}` };
    if (ENDED_RUN.includes(r.run_status)) return { proceed: false, reason: `run is ${r.run_status}` };
    void this.events.publish(r.run_id, 'progress');
    return { proceed: true };
  }
}
