import { planGeneration } from './generation-plan';
import { Tokenizer } from './lm-eval-encoding';

// A character-level tokenizer: one token per character (code point), BOS = 1.
const tok: Tokenizer = {
  prefixToken: 1,
  tokenize: (text, addSpecial) => Int32Array.from([...(addSpecial ? [1] : []), ...Array.from(text, (c) => c.codePointAt(0)!)]),
};
const gen = (context: string, maxTokens = 4) => ({ context, until: ['\n'], maxTokens, temperature: 0 });

describe('planGeneration: a generation and its conditional loss share one decoded prompt', () => {
  it('folds a log-likelihood request of the same context into the generation, the others stay apart', () => {
    const plan = planGeneration(tok, [gen('Q: 1+1?\nA:'), gen('Q: 2+2?\nA:')], [
      { context: 'Q: 2+2?\nA:', continuation: ' 4' },
      { context: 'other', continuation: ' x' },
      { context: 'Q: 1+1?\nA:', continuation: ' 2' },
    ], 64);
    expect([...plan.folded.entries()]).toEqual([
      [0, { g: 1, k: 0, contextTokens: 11 }],
      [2, { g: 0, k: 0, contextTokens: 11 }],
    ]);
    expect(plan.rest).toEqual([1]);
    expect(Array.from(plan.native[0].score![0])).toEqual([32, 50]); // " 2"
    expect(plan.native[1].stop).toEqual(['\n']);
    expect(Array.from(plan.native[1].prompt)).toEqual(Array.from(tok.tokenize('Q: 2+2?\nA:', true)));
  });

  it('folds a context ending in whitespace (lm-eval gives it to the continuation) by scoring from inside the prompt', () => {
    const plan = planGeneration(tok, [gen('A: ')], [{ context: 'A: ', continuation: '5' }], 64);
    expect(plan.folded.get(0)).toEqual({ g: 0, k: 0, contextTokens: 3 });
    expect(Array.from(plan.native[0].prompt)).toEqual([1, 65, 58, 32]);
    expect(plan.native[0].scoreFrom).toBe(3); // BOS "A" ":" — the continuation is " 5"
    expect(Array.from(plan.native[0].score![0])).toEqual([32, 53]);
    expect(planGeneration(tok, [gen('Q: ')], [{ context: 'Q:', continuation: ' 5' }], 64).rest).toEqual([0]); // another context
  });

  it('cuts the prompt from the left to leave room for the longest of max_gen_toks and the scored continuation', () => {
    const context = 'abcdefghijklmnopqrstuvwxyz';
    const long = ' ' + 'z'.repeat(11); // 12 tokens
    const plan = planGeneration(tok, [gen(context, 4)], [{ context, continuation: long }], 20);
    expect(plan.native[0].prompt).toHaveLength(20 - 12);
    expect(Array.from(plan.native[0].prompt)).toEqual(Array.from(tok.tokenize(context, true).slice(-8)));
    expect(plan.folded.get(0)!.contextTokens).toBe(27); // before truncation, as lm-eval reports it
    const alone = planGeneration(tok, [gen(context, 4)], [], 20);
    expect(alone.native[0].prompt).toHaveLength(16);
    expect(() => planGeneration(tok, [gen(context, 20)], [], 20)).toThrow(/no room for the prompt/);
  });
});
