import { resolve } from 'node:path';
import { TaskRegistry } from '@app/benchmarks';
import { allotGroupLimit, planRun } from './run-plan';

const DATA_DIR = process.env.DENSEBENCH_DATA_DIR ?? resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'data');

describe('planRun', () => {
  const registry = new TaskRegistry(DATA_DIR);

  it('gives a group the few-shot count its leaves share (density keys mmlu@5-shot from it), per task otherwise', async () => {
    const plan = await planRun(registry, [{ name: 'mmlu', limit: 1 }, { name: 'arc_easy', limit: 3 }] as never);
    const mmlu = plan.groups.find((g) => g.name === 'mmlu')!;
    expect(mmlu).toMatchObject({ numFewshot: 5, total: 57 });
    expect(plan.groups.filter((g) => g.name !== 'mmlu').every((g) => g.numFewshot === 5)).toBe(true);
    expect(plan.tasks.find((t) => t.name === 'arc_easy')).toMatchObject({ numFewshot: 0, total: 3 });
    const zero = await planRun(registry, [{ name: 'mmlu', limit: 1, numFewshot: 0 }] as never);
    expect(zero.groups.find((g) => g.name === 'mmlu')!.numFewshot).toBe(0);
  });

  it('caps a whole group with limitPer "group", spread evenly over its subtasks; per subtask otherwise', async () => {
    const perTask = await planRun(registry, [{ name: 'mmlu', limit: 2 }] as never);
    expect(perTask.tasks).toHaveLength(57);
    expect(perTask.groups.find((g) => g.name === 'mmlu')!.total).toBe(114);
    const whole = await planRun(registry, [{ name: 'mmlu', limit: 120, limitPer: 'group' }] as never);
    expect(whole.groups.find((g) => g.name === 'mmlu')!.total).toBe(120);
    expect(whole.tasks.map((t) => t.total).sort()).toEqual([...Array(6).fill(3), ...Array(51).fill(2)].sort());
    const few = await planRun(registry, [{ name: 'mmlu', limit: 10, limitPer: 'group' }] as never);
    expect(few.tasks).toHaveLength(10);
    const mmlu = few.groups.find((g) => g.name === 'mmlu')!;
    expect(mmlu).toMatchObject({ total: 10 });
    expect(mmlu.leaves).toHaveLength(10);
    expect(few.groups.every((g) => g.leaves.length > 0)).toBe(true);
    const task = await planRun(registry, [{ name: 'arc_easy', limit: 3, limitPer: 'group' }] as never);
    expect(task.tasks).toEqual([expect.objectContaining({ name: 'arc_easy', total: 3 })]);
  });
});

describe('allotGroupLimit', () => {
  it.each([
    [[10, 10, 10], 9, [3, 3, 3]],
    [[10, 10, 10], 10, [4, 3, 3]],
    [[1, 10, 10], 9, [1, 4, 4]],
    [[1, 2, 100], 50, [1, 2, 47]],
    [[5, 5], 100, [5, 5]],
    [[3, 3, 3], 2, [1, 1, 0]],
    [[0, 4], 3, [0, 3]],
  ])('spreads over %j a limit of %d as %j', (sizes, limit, want) => {
    const got = allotGroupLimit(sizes, limit);
    expect(got).toEqual(want);
    expect(got.reduce((a, b) => a + b, 0)).toBe(Math.min(limit, sizes.reduce((a, b) => a + b, 0)));
  });
});
