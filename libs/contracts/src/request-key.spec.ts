import { createHash } from 'node:crypto';
import { requestKey, requestKeyFor } from './request-key';

describe('requestKey', () => {
  const ll = () => ({ context: 'Q: 2+2?\nA:', continuation: ' 4' });

  it('is sha256 of [type, ...canonical arguments] (stored artifacts depend on it never changing)', () => {
    const expected = createHash('sha256').update(JSON.stringify(['loglikelihood', 'Q: 2+2?\nA:', ' 4'])).digest('hex');
    expect(requestKey({ type: 'loglikelihood', ...ll() })).toBe(expected);
    expect(requestKeyFor('loglikelihood', ll())).toBe(expected);
    // Fields that are not the request's content do not change it.
    expect(requestKey({ type: 'loglikelihood', ...ll(), purpose: 'score', choiceIndex: 2 } as never)).toBe(expected);
  });

  it('is memoized per object and type: the same object keyed as another type gets that type\'s key', () => {
    const r = { text: 'hello', context: 'hello', continuation: '' };
    const rolling = requestKeyFor('loglikelihood_rolling', r);
    expect(requestKeyFor('loglikelihood_rolling', r)).toBe(rolling);
    const asLl = requestKeyFor('loglikelihood', r);
    expect(asLl).not.toBe(rolling);
    expect(asLl).toBe(requestKey({ type: 'loglikelihood', context: 'hello', continuation: '' }));
    expect(requestKey({ type: 'loglikelihood_rolling', text: 'hello' })).toBe(rolling);
  });

  it('requests sharing a context, alternating contexts and contexts that need escaping get the plain digest', () => {
    const plain = (c: string, k: string) => createHash('sha256').update(JSON.stringify(['loglikelihood', c, k])).digest('hex');
    const contexts = ['He said "hi"\n', 'Ünïcode \u2028 ctx', 'He said "hi"\n', '', 'x'.repeat(5000)];
    for (const c of contexts) {
      for (const k of [' a', ' "b"', '', ' \\']) expect(requestKeyFor('loglikelihood', { context: c, continuation: k })).toBe(plain(c, k));
    }
    // Same continuation after a different context: the cached prefix must not leak into it.
    expect(requestKeyFor('loglikelihood', { context: 'one', continuation: ' x' })).toBe(plain('one', ' x'));
    expect(requestKeyFor('loglikelihood', { context: 'two', continuation: ' x' })).toBe(plain('two', ' x'));
  });

  it('generate_until keys carry every generation parameter, the seed included', () => {
    const g = { context: 'p', until: ['\n'], maxTokens: 8, temperature: 0.7 };
    const a = requestKeyFor('generate_until', { ...g, seed: 1 });
    expect(requestKeyFor('generate_until', { ...g, seed: 2 })).not.toBe(a);
    expect(requestKeyFor('generate_until', { ...g, seed: 1 })).toBe(a);
    expect(requestKeyFor('generate_until', { ...g, seed: 1, topP: 0.9 })).not.toBe(a);
  });
});
