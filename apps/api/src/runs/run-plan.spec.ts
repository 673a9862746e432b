import { resolve } from 'node:path';
import { TaskRegistry } from '@app/benchmarks';
import { planRun } from './run-plan';

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
});
