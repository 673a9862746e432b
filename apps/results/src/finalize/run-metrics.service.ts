import { Injectable } from '@nestjs/common';
import { aggregateGroupTree, aggregateTask, TaskRegistry, TaskResults } from '@app/benchmarks';
import { CustomBenchmarksRepository, LossRow, RunBenchmarkEntity, RunsRepository, SamplesRepository } from '@app/database';
import { BenchmarkSummary } from './results-json';


/**
 * A run's metrics as lm-evaluation-harness computes them: each task's per-sample values aggregated by
 * the task's own rules (mean with sample-std stderr, bootstrap, weighted perplexities…), groups from
 * their subtasks (micro-averaged by size where the group says so), plus the conditional loss of the gold
 * answers per token and per byte (the input of the density estimation).
 */
@Injectable()
export class RunMetricsService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly samples: SamplesRepository,
    private readonly custom: CustomBenchmarksRepository,
    private readonly registry: TaskRegistry,
  ) {}

  async aggregate(runId: string): Promise<BenchmarkSummary[]> {
    const rbs = await this.runs.benchmarks(runId);
    for (const rb of rbs) await this.ensureKnown(rb.name);
    // Sums and per-sample lists in document order: float sums and seeded bootstraps then give the same
    // digits whatever order the shards were ingested in (a re-scored run equals its source exactly).
    const losses = await this.samples.runLosses(runId);
    const leaves: Record<string, TaskResults> = {};
    const out: BenchmarkSummary[] = [];
    for (const rb of rbs.filter((r) => !r.isGroup)) {
      const rows = await this.samples.benchmarkMetrics(runId, rb.name);
      const task = this.registry.get(rb.name);
      leaves[rb.name] = aggregateTask(task, rows);
      const summary = this.summary(rb, leaves[rb.name], rows.length, task.version);
      addLoss(summary, losses.find((l) => l.benchmark === rb.name));
      out.push(summary);
    }
    for (const rb of rbs.filter((r) => r.isGroup)) {
      const tree = aggregateGroupTree(rb.name, (n) => (this.registry.hasGroup(n) ? this.registry.getGroup(n) : null), leaves);
      const evaluated = this.registry.expand(rb.name).reduce((a, l) => a + (out.find((b) => b.name === l)?.evaluated ?? 0), 0);
      const summary = this.summary(rb, tree[rb.name] ?? {}, evaluated, this.registry.getGroup(rb.name).version);
      const leafNames = new Set(this.registry.expand(rb.name));
      addLoss(summary, sumLosses(losses.filter((l) => leafNames.has(l.benchmark))));
      out.push(summary);
    }
    return out;
  }

  private summary(rb: RunBenchmarkEntity, results: TaskResults, evaluated: number, version: string): BenchmarkSummary {
    const metrics: BenchmarkSummary['metrics'] = {};
    const higherIsBetter: Record<string, boolean> = {};
    for (const [key, m] of Object.entries(results)) {
      metrics[key] = { value: m.value, stderr: m.stderr, n: m.n };
      higherIsBetter[m.metric] = m.higherIsBetter;
    }
    return { name: rb.name, isGroup: rb.isGroup, numFewshot: rb.numFewshot, totalDocs: rb.totalSamples, evaluated, version, higherIsBetter, metrics };
  }

  /** Tasks registered through the API are stored as YAML; this process may not have seen them yet. */
  private async ensureKnown(name: string): Promise<void> {
    if (this.registry.has(name) || this.registry.hasGroup(name)) return;
    const yaml = await this.custom.yamlFor(name);
    if (!yaml) throw new Error(`benchmark ${name} is neither built in nor registered`);
    await this.registry.registerYaml(yaml, { source: 'custom', replace: true, checkData: false });
  }
}

function sumLosses(rows: LossRow[]): LossRow | undefined {
  if (rows.length === 0) return undefined;
  return rows.reduce((a, r) => ({ benchmark: a.benchmark, n: a.n + r.n, nll: a.nll + r.nll, tokens: a.tokens + r.tokens, bytes: a.bytes + r.bytes }));
}

/** Conditional loss of the gold answers: total NLL over total tokens (and bytes) of the benchmark. */
function addLoss(summary: BenchmarkSummary, loss: LossRow | undefined): void {
  if (!loss || loss.tokens <= 0) return;
  summary.metrics.cond_nll_per_token = { value: loss.nll / loss.tokens, stderr: null, n: loss.n };
  summary.metrics.cond_nll_per_byte = { value: loss.nll / loss.bytes, stderr: null, n: loss.n };
}
