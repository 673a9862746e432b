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
 * subtasks; a limit applies per task, as in lm-evaluation-harness, unless limitPer is "group": then it caps
 * the group's documents, spread evenly over its subtasks) and the groups to aggregate.
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
    const sizes = await Promise.all(leaves.map(async (leaf) => (await registry.evalDocs(leaf)).length));
    const limits = b.limit === undefined ? leaves.map(() => null) : b.limitPer === 'group' ? allotGroupLimit(sizes, b.limit) : leaves.map(() => b.limit!);
    for (const [i, leaf] of leaves.entries()) {
      const numFewshot = registry.resolveNumFewshot(leaf, b.numFewshot);
      const prev = tasks.get(leaf);
      if (prev && (prev.numFewshot !== numFewshot || prev.limit !== limits[i])) {
        throw invalidInput(`task "${leaf}" is requested twice with different settings (through "${b.name}")`);
      }
      if (prev) continue;
      const total = Math.min(sizes[i], limits[i] ?? Number.POSITIVE_INFINITY);
      if (total === 0 && limits[i] !== 0) throw invalidInput(`benchmark "${leaf}" has no documents`);
      if (total === 0) continue;
      tasks.set(leaf, { name: leaf, numFewshot, limit: limits[i], total });
    }
  }
  // A group limit smaller than its subtasks leaves some with no documents: the group aggregates those it has.
  const present = [...groups].map(([name, leaves]) => [name, leaves.filter((l) => tasks.has(l))] as const).filter(([, leaves]) => leaves.length > 0);
  const planned = present.map(([name, leaves]) => {
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

/**
 * A group's limit spread over its subtasks: as even as their sizes allow (a small subtask takes all it has and
 * leaves the rest to the others), the first subtasks taking the remainder. Sums to min(limit, all documents).
 */
export function allotGroupLimit(sizes: readonly number[], limit: number): number[] {
  const out = sizes.map(() => 0);
  let left = Math.min(limit, sizes.reduce((a, s) => a + s, 0));
  let open = sizes.map((_, i) => i);
  while (left > 0 && open.length) {
    const share = Math.floor(left / open.length);
    if (share === 0) {
      for (const i of open.slice(0, left)) out[i]++;
      break;
    }
    for (const i of open) {
      const take = Math.min(share, sizes[i] - out[i]);
      out[i] += take;
      left -= take;
    }
    open = open.filter((i) => out[i] < sizes[i]);
  }
  return out;
}
