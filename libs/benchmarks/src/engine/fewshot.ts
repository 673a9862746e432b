import { PyRandom } from '../python/random';
import { pyEquals } from '../python/str';
import type { Doc, TaskDefinition } from '../types';

/**
 * Few-shot selection exactly as lm-evaluation-harness does it (api/samplers.py):
 *
 * - `default`: one `random.Random(fewshot_seed)` per task, and for each evaluated document in
 *   order, `rnd.sample(fewshot_docs, n)` — n = num_fewshot + 1 when fewshot_split == test_split —
 *   then drop documents equal to the evaluated one and keep the first num_fewshot. The draw for
 *   document i depends on the i draws before it, so a shard starting at document k replays the
 *   generator through k draws (cheap: a few Mersenne Twister outputs per draw).
 * - `first_n`: the first n documents of the few-shot pool, with the same exclusion.
 */
export class FewshotSampler {
  private rng: PyRandom | null = null;
  /** Number of draws already taken from `rng`. */
  private drawn = 0;

  constructor(
    readonly task: TaskDefinition,
    readonly pool: readonly Doc[],
    readonly numFewshot: number,
    readonly seed: number,
  ) {
    if (numFewshot > 0 && pool.length === 0) throw new Error(`task ${task.name} has no few-shot documents but num_fewshot is ${numFewshot}`);
  }

  private get drawSize(): number {
    return this.task.splits.sameSplit ? this.numFewshot + 1 : this.numFewshot;
  }

  /** Pool indices drawn for the document at position `docIndex` of the evaluation order. */
  drawIndices(docIndex: number): number[] {
    if (this.numFewshot === 0) return [];
    const n = this.drawSize;
    if (this.task.fewshot.sampler === 'first_n') {
      if (n > this.pool.length) throw new Error(`task ${this.task.name}: ${n} few-shot examples requested, the few-shot pool has ${this.pool.length}`);
      return Array.from({ length: n }, (_, i) => i);
    }
    if (n > this.pool.length) throw new Error(`task ${this.task.name}: cannot sample ${n} few-shot examples from a pool of ${this.pool.length}`);
    if (!this.rng || this.drawn > docIndex) {
      this.rng = new PyRandom(this.seed);
      this.drawn = 0;
    }
    while (this.drawn < docIndex) {
      this.rng.sampleIndices(this.pool.length, n);
      this.drawn++;
    }
    this.drawn++;
    return this.rng.sampleIndices(this.pool.length, n);
  }

  /** The few-shot examples for the evaluated document `doc` at position `docIndex`. */
  select(docIndex: number, doc: Doc): { docs: Doc[]; indices: number[] } {
    const drawn = this.drawIndices(docIndex);
    const kept = drawn.filter((i) => !pyEquals(this.pool[i], doc)).slice(0, this.numFewshot);
    return { docs: kept.map((i) => this.pool[i]), indices: kept };
  }
}
