import { TaskRegistry } from '@app/benchmarks';
import { invalidInput } from '@app/contracts';
import { BenchmarkRequestDto } from './dto/create-run.dto';

export interface PlannedTask {
  name: string;
  numFewshot: number;
  limit: number | null;
  total: number;
}

export interface PlannedGroup {
  name: string;
  leaves: string[];
  /** The leaves' few-shot count when they share one (they do unless one is requested apart), else null. */
  numFewshot: number | null;
  total: number;
}

/**
 * Turns the requested benchmarks into the leaf tasks to shard (groups such as mmlu expand into their
 * subtasks; --limit applies per task, as in lm-evaluation-harness) and the groups to aggregate.
 */
export async function planRun(registry: TaskRegistry, requested: BenchmarkRequestDto[]): Promise<{ tasks: PlannedTask[]; groups: PlannedGroup[] }> {
  const names = requested.map((b) => b.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw invalidInput(`benchmark "${dup}" is listed twice`);
  // Validate every name before loading any dataset, so a typo answers at once.
  for (const n of names) if (!registry.hasGroup(n)) registry.get(n);

  const tasks = new Map<string, PlannedTask>();
  const groups = new Map<string, string[]>();
  for (const b of requested) {
    const leaves = registry.hasGroup(b.name) ? registry.expand(b.name) : [b.name];
    if (registry.hasGroup(b.name)) for (const g of groupsUnder(registry, b.name)) groups.set(g, registry.expand(g));
    for (const leaf of leaves) {
      const numFewshot = registry.resolveNumFewshot(leaf, b.numFewshot);
      const prev = tasks.get(leaf);
      if (prev && (prev.numFewshot !== numFewshot || prev.limit !== (b.limit ?? null))) {
        throw invalidInput(`task "${leaf}" is requested twice with different settings (through "${b.name}")`);
      }
      if (prev) continue;
      const docs = await registry.evalDocs(leaf);
      const total = Math.min(docs.length, b.limit ?? Number.POSITIVE_INFINITY);
      if (total === 0) throw invalidInput(`benchmark "${leaf}" has no documents`);
      tasks.set(leaf, { name: leaf, numFewshot, limit: b.limit ?? null, total });
    }
  }
  const planned = [...groups].map(([name, leaves]) => {
    const shots = new Set(leaves.map((l) => tasks.get(l)!.numFewshot));
    return { name, leaves, numFewshot: shots.size === 1 ? [...shots][0] : null, total: leaves.reduce((a, l) => a + tasks.get(l)!.total, 0) };
  });
  return { tasks: [...tasks.values()], groups: planned };
}

/** A group and every group below it. */
function groupsUnder(registry: TaskRegistry, name: string): string[] {
  const out = [name];
  for (const child of registry.getGroup(name).tasks) if (registry.hasGroup(child)) out.push(...groupsUnder(registry, child));
  return out;
}
