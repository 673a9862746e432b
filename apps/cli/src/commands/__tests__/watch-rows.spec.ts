import { ProgressRates } from '@app/contracts';
import type { RunView } from '../../api-client';
import { expandOption, runBarRows } from '../watch';

const view = (done: number, tokens: number): RunView => ({
  id: 'r',
  status: 'running',
  modelName: 'm',
  error: null,
  progress: { done, total: 200 },
  benchmarks: [
    { name: 'arc_easy', isGroup: false, group: null, total: 100, done, tokens, metrics: null },
    { name: 'mmlu', isGroup: true, group: null, total: 100, done: 0, tokens: 0, metrics: null },
    ...Array.from({ length: 57 }, (_, i) => ({ name: `mmlu_subject_${i}`, isGroup: false, group: 'mmlu', total: 2, done: 0, tokens: 0, metrics: null })),
    { name: 'mmlu_stem', isGroup: true, group: 'mmlu', total: 30, done: 0, tokens: 0, metrics: null },
  ],
  tokens: { input: 0, output: 0 },
  wallMs: null,
});

describe('watch: progress lines', () => {
  it('shows MMLU as one line beside arc_easy, with samples/s, tokens/s and ETA from successive views', () => {
    const rates = new ProgressRates();
    runBarRows(view(10, 1000), rates, new Set(), 0);
    const rows = runBarRows(view(30, 3000), rates, new Set(), 10_000);
    expect(rows.map((r) => r.key)).toEqual(['arc_easy', 'mmlu']);
    expect(rows[0]).toMatchObject({ done: 30, total: 100, status: '2.00 samples/s, 200 tokens/s, ETA 35 s | running' });
    expect(rows[1].status).toBe('– samples/s, – tokens/s, ETA – | running');
  });

  it('expands a group to its tasks with --expand (all groups without names)', () => {
    expect(runBarRows(view(0, 0), new ProgressRates(), expandOption(['mmlu']))).toHaveLength(59);
    expect(runBarRows(view(0, 0), new ProgressRates(), expandOption(true))[2].label).toBe('  mmlu_subject_0'.padEnd(24));
    expect(runBarRows(view(0, 0), new ProgressRates(), expandOption(undefined))).toHaveLength(2);
  });
});
