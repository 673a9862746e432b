import { decodeCost, groupByContext } from './context-groups';
import type { Tokenizer } from './lm-eval-encoding';

// One token per character (its code), BOS = 1: enough to check the grouping rules.
const tok: Tokenizer = {
  prefixToken: 1,
  tokenize: (text, addSpecial) => Int32Array.from([...(addSpecial ? [1] : []), ...[...text].map((ch) => ch.charCodeAt(0))]),
};
const arr = (g: Int32Array) => Array.from(g);

describe('groupByContext', () => {
  it('puts requests with the same context in one group, in first-seen order', () => {
    const { groups, where } = groupByContext(
      tok,
      [
        { context: 'Q1', continuation: ' a' },
        { context: 'Q2', continuation: ' b' },
        { context: 'Q1', continuation: ' c' },
      ],
      100,
    );
    expect(groups).toHaveLength(2);
    expect(arr(groups[0].prefix)).toEqual([1, 81, 49]);
    expect(groups[0].continuations.map(arr)).toEqual([[32, 97], [32, 99]]);
    expect(where).toEqual([
      { g: 0, c: 0, contextTokens: 3 },
      { g: 1, c: 0, contextTokens: 3 },
      { g: 0, c: 1, contextTokens: 3 },
    ]);
  });

  it('scores an equal continuation of the same context once and answers both requests from it', () => {
    const { groups, where } = groupByContext(
      tok,
      [
        { context: 'Q', continuation: ' x' },
        { context: 'Q', continuation: ' y' },
        { context: 'Q', continuation: ' x' },
      ],
      100,
    );
    expect(groups[0].continuations).toHaveLength(2);
    expect(where.map((w) => w.c)).toEqual([0, 1, 0]);
  });

  it('moves trailing context whitespace into the continuation (lm-eval), so "Q " and "Q" share a group', () => {
    const { groups } = groupByContext(
      tok,
      [
        { context: 'Q ', continuation: 'a' },
        { context: 'Q', continuation: ' b' },
      ],
      100,
    );
    expect(groups).toHaveLength(1);
    expect(groups[0].continuations.map(arr)).toEqual([[32, 97], [32, 98]]);
  });

  it('truncates long contexts from the left and groups by what is left', () => {
    const { groups, where } = groupByContext(tok, [{ context: 'abcdefgh', continuation: 'XY' }], 6);
    expect(arr(groups[0].prefix)).toEqual([...'efgh'].map((c) => c.charCodeAt(0)));
    expect(where[0].contextTokens).toBe(9); // before truncation, BOS included
  });

  it('refuses a continuation that alone does not fit', () => {
    expect(() => groupByContext(tok, [{ context: 'a', continuation: 'XYZ' }], 3)).toThrow(/does not fit/);
  });
});

describe('decodeCost', () => {
  it('counts each context once plus every continuation token but the last, and the naive per-request cost', () => {
    const g = (p: number, conts: number[]) => ({ prefix: new Int32Array(p), continuations: conts.map((n) => new Int32Array(n)) });
    // group 1: 10 + (3-1) + (1-1) + (5-1) = 16; naive (10+2) + (10+0) + (10+4) = 36
    // group 2: 4 + (2-1) = 5; naive 5
    expect(decodeCost([g(10, [3, 1, 5]), g(4, [2])])).toEqual({ minimum: 21, naive: 41 });
    expect(decodeCost([])).toEqual({ minimum: 0, naive: 0 });
  });
});
