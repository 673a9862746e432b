import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ProgressRates } from '../../../../libs/contracts/src/progress-rates';
import { qualityPairs } from './ReferenceFits';
import { ProgressTable } from './ProgressTable';
import type { BenchmarkProgress } from '../types';

const b = (name: string, done: number, total: number, tokens: number, isGroup = false, group: string | null = null): BenchmarkProgress => ({
  name, isGroup, group, done, total, tokens, numFewshot: 0, metrics: null,
});

afterEach(cleanup);

describe('ProgressTable', () => {
  it('shows a group as one row with samples, samples/s, tokens/s and ETA, expandable to its tasks', () => {
    const rates = new ProgressRates();
    const view = [b('arc_easy', 10, 40, 1000), b('mmlu', 20, 100, 2000, true), b('mmlu_anatomy', 5, 50, 500, false, 'mmlu'), b('mmlu_virology', 15, 50, 1500, false, 'mmlu')];
    rates.observe('mmlu', { t: 0, done: 0, tokens: 0 });
    rates.observe('mmlu', { t: 10_000, done: 20, tokens: 2000 });
    render(<ProgressTable benchmarks={view} rates={rates} />);
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-benchmark'))).toEqual(['arc_easy', 'mmlu']);
    const mmlu = within(rows[1]).getAllByRole('cell').map((c) => c.textContent);
    // 20 samples in 10 s: 2/s, 200 tokens/s, 80 left → 40 s.
    expect(mmlu.map((t) => t?.trim())).toEqual(['20 / 100', '20%', '2', '200', '40 s']);
    expect(within(rows[0]).getAllByRole('cell').map((c) => c.textContent).slice(2)).toEqual(['–', '–', '–']);
    act(() => fireEvent.click(screen.getByRole('button', { name: /mmlu/ })));
    expect(screen.getAllByRole('row').slice(1).map((r) => r.getAttribute('data-benchmark'))).toEqual(['arc_easy', 'mmlu', 'mmlu_anatomy', 'mmlu_virology']);
    expect(screen.getByRole('button', { name: /mmlu/ }).getAttribute('aria-expanded')).toBe('true');
  });

  it('lists a fit\'s quality numbers by their path', () => {
    expect(qualityPairs({ loss: { rSquared: 0.98765, n: 5 }, note: 'x', perf: { rmse: 0.0123 } })).toEqual([['loss.rSquared', '0.9877'], ['loss.n', '5'], ['perf.rmse', '0.0123']]);
  });
});
