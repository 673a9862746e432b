import { RunView } from '../../api-client';
import { groupLimitLines } from '../watch';

const bench = (name: string, isGroup: boolean, total: number, group: string | null) => ({ name, isGroup, total, group, done: 0, tokens: 0, metrics: null });
const run = (benchmarks: RunView['benchmarks']): RunView => ({ id: 'r', status: 'queued', modelName: 'm', error: null, progress: { done: 0, total: 0 }, benchmarks, tokens: { input: 0, output: 0 }, wallMs: null });

describe('groupLimitLines: what a limit on a group means, said after a submit', () => {
  const view = run([bench('mmlu', true, 12, null), bench('mmlu_stem', true, 6, 'mmlu'), bench('mmlu_anatomy', false, 6, 'mmlu'), bench('mmlu_law', false, 6, 'mmlu'), bench('arc_easy', false, 5, null)]);

  it('says per subtask by default, with the subtasks and documents, and how to cap the group', () => {
    expect(groupLimitLines([{ name: 'mmlu', limit: 6 }, { name: 'arc_easy', limit: 5 }], view)).toEqual([
      "mmlu: limit 6 per subtask (as lm-eval's --limit): 2 subtasks, 12 documents; --group-limit caps the whole group",
    ]);
  });

  it('says for the whole group with --group-limit; nothing without a limit', () => {
    expect(groupLimitLines([{ name: 'mmlu', limit: 12, limitPer: 'group' }], view)).toEqual(['mmlu: limit 12 for the whole group: 12 documents over 2 subtasks']);
    expect(groupLimitLines([{ name: 'mmlu' }], view)).toEqual([]);
  });
});
