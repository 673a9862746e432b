import { formatEta, ProgressRates, progressLines, rateOf } from './progress-rates';

describe('progress rates', () => {
  it('measures samples and tokens per second over the window and the time left', () => {
    const pts = [
      { t: 0, done: 0, tokens: 0 },
      { t: 10_000, done: 10, tokens: 500 },
      { t: 20_000, done: 30, tokens: 1500 },
    ];
    expect(rateOf(pts, 130)).toEqual({ samplesPerS: 1.5, tokensPerS: 75, etaS: 100 / 1.5 });
    // Only the last 10 s: 2 samples/s.
    expect(rateOf(pts, 130, 10_000)).toMatchObject({ samplesPerS: 2, etaS: 50 });
    expect(rateOf(pts.slice(0, 1), 130)).toEqual({ samplesPerS: null, tokensPerS: null, etaS: null });
    expect(rateOf([{ t: 5, done: 130, tokens: 1 }], 130).etaS).toBe(0);
    expect(rateOf([{ t: 0, done: 3, tokens: 0 }, { t: 1000, done: 3, tokens: 0 }], 10)).toMatchObject({ samplesPerS: 0, etaS: null });
  });

  it('keeps the start of a rate while nothing changes and forgets points older than the window', () => {
    const r = new ProgressRates(10_000);
    r.observe('a', { t: 0, done: 0, tokens: 0 });
    r.observe('a', { t: 4_000, done: 0, tokens: 0 });
    r.observe('a', { t: 5_000, done: 10, tokens: 100 });
    expect(r.rate('a', 20)).toMatchObject({ samplesPerS: 2, tokensPerS: 20, etaS: 5 });
    r.observe('a', { t: 30_000, done: 15, tokens: 150 });
    r.observe('a', { t: 35_000, done: 20, tokens: 200 });
    expect(r.rate('a', 40)).toMatchObject({ samplesPerS: 1, etaS: 20 });
    expect(r.rate('unknown', 5).etaS).toBeNull();
  });

  it('formats a time left', () => {
    expect([formatEta(null), formatEta(42.4), formatEta(185), formatEta(3840)]).toEqual(['–', '42 s', '3 min 5 s', '1 h 4 min']);
  });

  it('shows a group as one line, its members only when expanded', () => {
    const b = (name: string, isGroup: boolean, group: string | null) => ({ name, isGroup, group, total: 1, done: 0, tokens: 0 });
    const view = [b('arc_easy', false, null), b('mmlu', true, null), b('mmlu_stem', true, 'mmlu'), b('mmlu_anatomy', false, 'mmlu'), b('mmlu_virology', false, 'mmlu')];
    expect(progressLines(view).map((l) => l.name)).toEqual(['arc_easy', 'mmlu']);
    expect(progressLines(view, new Set(['mmlu'])).map((l) => `${l.depth}:${l.name}`)).toEqual(['0:arc_easy', '0:mmlu', '1:mmlu_anatomy', '1:mmlu_virology']);
    expect(progressLines(view, 'all')).toHaveLength(4);
  });
});
