import { encodePair, splitTrailingWhitespace, truncateLeft, Tokenizer } from './lm-eval-encoding';

// A character-level tokenizer with BOS = 1: each character is its code point.
const chars: Tokenizer = {
  prefixToken: 1,
  tokenize: (t, addSpecial) => Int32Array.from([...(addSpecial ? [1] : []), ...[...t].map((c) => c.codePointAt(0)!)]),
};

describe('lm-eval _encode_pair', () => {
  it('moves trailing whitespace of the context to the continuation', () => {
    expect(splitTrailingWhitespace('Answer: ', 'B')).toEqual(['Answer:', ' B']);
    expect(splitTrailingWhitespace('Answer:\n\n', ' B')).toEqual(['Answer:', '\n\n B']);
    expect(splitTrailingWhitespace('Answer:', ' B')).toEqual(['Answer:', ' B']);
  });

  it('takes the continuation tokens from the tokenization of the whole', () => {
    const { ctx, cont } = encodePair(chars, 'ab ', 'c');
    expect([...ctx]).toEqual([1, 97, 98]);
    expect([...cont]).toEqual([32, 99]);
  });

  it('conditions an empty context on the prefix token', () => {
    const { ctx, cont } = encodePair(chars, '', 'hi');
    expect([...ctx]).toEqual([1]);
    expect([...cont]).toEqual([104, 105]);
  });

  it('truncates the context from the left and refuses a continuation that cannot fit', () => {
    expect([...truncateLeft(Int32Array.of(1, 2, 3, 4), Int32Array.of(5, 6), 4)]).toEqual([3, 4]);
    expect([...truncateLeft(Int32Array.of(1, 2), Int32Array.of(5), 8)]).toEqual([1, 2]);
    expect(() => truncateLeft(Int32Array.of(1), Int32Array.of(5, 6, 7), 3)).toThrow('does not fit');
  });
});
