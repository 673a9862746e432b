import { rollingWindows } from './rolling-windows';

const seq = (n: number) => Int32Array.from({ length: n }, (_, i) => 100 + i);

describe('rollingWindows (lm-eval get_rolling_token_windows + make_disjoint_window, context_len=1)', () => {
  it('predicts every token exactly once, in order', () => {
    for (const [n, max] of [[1, 4], [4, 4], [5, 4], [11, 4], [12, 3], [100, 7]]) {
      const w = rollingWindows(seq(n), 1, max);
      const predicted = w.flatMap((x) => [...x.cont]);
      expect(predicted).toEqual([...seq(n)]);
      for (const x of w) expect(x.prefix.length + x.cont.length).toBeLessThanOrEqual(max + 1);
    }
  });

  it('matches lm-eval on a worked example (10 tokens, max_seq_len 4)', () => {
    // lm-eval's functions, run in python3 on list(range(10)), prefix -1, max_seq_len 4, context_len 1:
    // [([-1], [0, 1, 2, 3]), ([3], [4, 5, 6, 7]), ([5, 6, 7], [8, 9])]
    const w = rollingWindows(Int32Array.from({ length: 10 }, (_, i) => i), -1, 4);
    expect(w.map((x) => [[...x.prefix], [...x.cont]])).toEqual([
      [[-1], [0, 1, 2, 3]],
      [[3], [4, 5, 6, 7]],
      [[5, 6, 7], [8, 9]],
    ]);
  });

  it('returns nothing for an empty text and refuses a zero window', () => {
    expect(rollingWindows(new Int32Array(0), 1, 4)).toEqual([]);
    expect(() => rollingWindows(seq(3), 1, 0)).toThrow('≥ 1');
  });
});
