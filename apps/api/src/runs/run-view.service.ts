import { Injectable } from '@nestjs/common';
import { RunStatus, ShardStatus } from '@app/contracts';
import { RunEntity, RunListItem, RunsRepository, SamplesRepository, ShardsRepository } from '@app/database';
import { RunDensityViewService } from '../density/run-density/run-density-view.service';
import { BenchmarkProgressDto, RunResponseDto, RunSummaryDto, ShardCountsDto } from './dto/run-response.dto';

/** Builds the API's view of a run: progress per benchmark (samples done/total) and shard counts. */
@Injectable()
export class RunViewService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly shards: ShardsRepository,
    private readonly samples: SamplesRepository,
    private readonly density: RunDensityViewService,
  ) {}

  async view(run: RunEntity & { model?: { name: string } }): Promise<RunResponseDto> {
    const [rows, shardRows, density, tokenRows] = await Promise.all([
      this.runs.viewBenchmarks(run.id),
      this.shards.countsByStatus(run.id),
      // Densities and efficiency are stored for succeeded runs only (results service): the runs that
      // clients poll while they are queued or running need none of these three queries.
      run.status === RunStatus.Succeeded ? this.density.forRun(run.id) : null,
      // A queued run has no samples yet.
      run.status === RunStatus.Queued ? [] : this.samples.tokensByBenchmark(run.id),
    ]);
    const benchmarks = rows as Array<BenchmarkProgressDto & { leaves: string[] | null }>;
    const tokensOf = new Map(tokenRows.map((r) => [r.name, r.tokens]));
    for (const b of benchmarks) b.tokens = b.isGroup ? (b.leaves ?? []).reduce((a, l) => a + (tokensOf.get(l) ?? 0), 0) : (tokensOf.get(b.name) ?? 0);
    const shards: ShardCountsDto = { pending: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    for (const r of shardRows) shards[r.status] = r.n;
    // Output tokens per second now: the sum of the running shards' last reported rates.
    const running = shardRows.find((r) => r.status === ShardStatus.Running);
    const outputTokensPerSecond = running?.rate === null || running?.rate === undefined ? null : Number(running.rate);
    // A group's progress is its subtasks'; the run's progress counts tasks only.
    const doneOf = new Map(benchmarks.filter((b) => !b.isGroup).map((b) => [b.name, Math.min(b.done, b.total)]));
    for (const b of benchmarks) if (b.isGroup) b.done = (b.leaves ?? []).reduce((a, l) => a + (doneOf.get(l) ?? 0), 0);
    // Each benchmark's outermost group (the largest holding it): progress shows a group as one line.
    const groups = benchmarks.filter((b) => b.isGroup).sort((a, b) => (b.leaves?.length ?? 0) - (a.leaves?.length ?? 0));
    for (const b of benchmarks) {
      const mine = new Set(b.isGroup ? (b.leaves ?? []) : [b.name]);
      b.group = groups.find((g) => g !== b && (g.leaves?.length ?? 0) > (b.isGroup ? mine.size : 0) && [...mine].every((l) => g.leaves?.includes(l)))?.name ?? null;
    }
    const tasks = benchmarks.filter((b) => !b.isGroup);
    const total = tasks.reduce((a, b) => a + b.total, 0);
    const done = tasks.reduce((a, b) => a + Math.min(b.done, b.total), 0);
    return {
      id: run.id,
      modelId: run.modelId,
      modelName: run.model?.name ?? '',
      status: run.status,
      pool: run.pool,
      priority: run.priority,
      shardSize: run.shardSize,
      seed: run.seed,
      error: run.error,
      progress: { done, total, outputTokensPerSecond },
      benchmarks: benchmarks.map(({ leaves, ...b }) => b),
      shards,
      tokens: { input: run.inputTokens, output: run.outputTokens },
      wallMs: run.wallMs,
      envelope: run.envelope,
      density,
      createdAt: run.createdAt.toISOString(),
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  }

  summary(run: RunListItem): RunSummaryDto {
    return {
      id: run.id,
      modelId: run.modelId,
      modelName: run.model?.name ?? '',
      status: run.status,
      pool: run.pool,
      benchmarks: run.benchmarks.map((b) => b.name),
      error: run.error,
      createdAt: run.createdAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
    };
  }
}
