import { GenerateResult, LoglikelihoodResult } from '@app/contracts';
import { CodeExecutor, estimatePassAtK } from '../code/code-executor';
import { aggregateGroup, aggregateGroupTree, aggregateTask } from '../engine/aggregate-task';
import { scoreSample } from '../engine/score';
import { majorityVote, regexFilter, removeWhitespace, takeFirst, takeFirstK } from '../filters/filters';
import { aggregateItems, bootstrapStderr, AGGREGATIONS, meanWithStderr, pooledSampleStderr } from '../metrics/aggregate';
import { exactMatch } from '../metrics/exact-match';
import { multipleChoiceScores, truthfulqaMc2 } from '../metrics/multiple-choice';
import { TaskRegistry } from '../registry';
import { GroupDefinition } from '../types';
import { DATA_DIR } from './data-dir';

const registry = new TaskRegistry(DATA_DIR);
const gen = (text: string): GenerateResult => ({ text, inputTokens: 100, outputTokens: 10, finishReason: 'stop', ttftMs: 5, totalMs: 50 });
const ll = (logprob: number, isGreedy = false, continuationTokens = 2): LoglikelihoodResult => ({ logprob, isGreedy, contextTokens: 10, continuationTokens });

describe('GSM8K scoring: ANCHORS b.3 table, exactly', () => {
  // Reference answer of test doc 0 ends in "#### 18".
  const table: Array<[string, string, number, string, number]> = [
    ['…\n#### 18', '18', 1, '18', 1],
    ['The answer is $18.', '[invalid]', 0, '$18.', 1],
    ['The answer is $18.00', '[invalid]', 0, '$18.00', 0],
    ['so 18 eggs.\nQuestion: next', '[invalid]', 0, '18', 1],
    ['#### 1,018', '1,018', 0, '1,018', 0],
  ];
  it.each(table)('%j → strict %j (%i), flexible %j (%i)', async (output, strict, strictOk, flexible, flexOk) => {
    const [p] = await registry.prepare('gsm8k', 0, 1, { seed: 1234 });
    expect(p.target).toMatch(/#### 18$/);
    const responses = p.requests.map((r) => (r.type === 'generate_until' ? gen(output) : ll(-42.5, false, 60)));
    const rec = await scoreSample(registry.get('gsm8k'), p, responses, { latencyMs: 10 });
    expect(rec.filtered_resps).toEqual([strict, flexible]);
    expect(rec.metrics).toEqual({ 'exact_match,strict-match': strictOk, 'exact_match,flexible-extract': flexOk });
    expect(rec.loss).toEqual({ nll: 42.5, tokens: 60, bytes: Buffer.byteLength(` ${p.target as string}`) });
    expect(rec.tokens).toEqual({ input: 100 + 70, output: 10 });
  });
});

describe('multiple-choice metrics', () => {
  it('acc and acc_norm disagree when a long answer has the lower sum but the higher per-character log-likelihood', () => {
    const s = multipleChoiceScores([-4, -6], [true, false], ['a', 'bbbbbb'], 1);
    expect(s.acc).toBe(0);
    expect(s.acc_norm).toBe(1);
    expect(s.exact_match).toBe(0);
  });
  it('acc_norm divides by code points (Python len), acc_bytes by UTF-8 bytes', () => {
    // "😀😀" is 2 code points (4 UTF-16 units, 8 bytes); "abc" is 3.
    const s = multipleChoiceScores([-2.1, -3.0], [false, false], ['😀😀', 'abc'], 1);
    expect(s.acc_norm).toBe(1); // -1.05 vs -1.0
    expect(s.acc_bytes).toBe(0); // -0.2625 vs -1.0
  });
  it('acc_mutual_info subtracts the unconditional log-likelihood; several gold indices count any', () => {
    expect(multipleChoiceScores([-5, -6], [false, false], ['x', 'y'], 1, [-2, -5.5]).acc_mutual_info).toBe(1);
    expect(multipleChoiceScores([-5, -6], [false, false], ['x', 'y'], 1, [-4.5, -2]).acc_mutual_info).toBe(0);
    expect(multipleChoiceScores([-5, -6], [false, false], ['x', 'y'], [0, 1]).acc).toBe(1);
  });
  it('truthfulqa mc2 = normalized probability mass of the true answers', () => {
    const lls = [Math.log(0.2), Math.log(0.1), Math.log(0.3), Math.log(0.4)];
    expect(truthfulqaMc2(lls, [1, 1, 0, 0])).toBeCloseTo(0.3, 12);
  });
  it('truthfulqa_mc2 and acc_norm through the engine, with the loss of the gold choice', async () => {
    const [p] = await registry.prepare('truthfulqa_mc2', 0, 1);
    const lls = p.requests.map((_, i) => (i < 5 ? -1 : -3));
    const rec = await scoreSample(registry.get('truthfulqa_mc2'), p, lls.map((x) => ll(x)), { latencyMs: 1 });
    const pt = 5 * Math.exp(-1);
    expect(rec.metrics.acc).toBeCloseTo(pt / (pt + 7 * Math.exp(-3)), 12);
    expect(rec.loss!.nll).toBe(1);
  });
});

describe('exact_match options (lm-eval exact_match_hf_evaluate)', () => {
  it('regexes_to_ignore apply in order to both sides, then case, punctuation, numbers', () => {
    expect(exactMatch(['The Answer: 42!'], ['the answer 42'], { ignore_case: true })).toBe(0);
    expect(exactMatch(['The Answer: 42!'], ['the answer 42'], { ignore_case: true, ignore_punctuation: true })).toBe(1);
    expect(exactMatch(['abc123'], ['abc'], { ignore_numbers: true })).toBe(1);
    expect(exactMatch(['x-y'], ['xy'], { regexes_to_ignore: ['-'] })).toBe(1);
    // Order matters: removing "b" first leaves "ac", which "ab" no longer matches.
    expect(exactMatch(['abc'], ['c'], { regexes_to_ignore: ['ab', 'b'] })).toBe(1);
    expect(exactMatch(['abc'], ['c'], { regexes_to_ignore: ['b', 'ab'] })).toBe(0);
    expect(exactMatch(['A'], ['a'])).toBe(0);
  });
  it('one prediction against several references gives the fraction that match (numpy broadcasting)', () => {
    expect(exactMatch(['a'], ['a', 'b'])).toBe(0.5);
  });
});

describe('filters (lm_eval/filters)', () => {
  it('regex: first match, last match (group_select -1), tuple → first non-empty group, fallback', () => {
    expect(regexFilter('#### (\\-?[0-9\\.\\,]+)')([['#### 5 and #### 6']], [{}])).toEqual([['5']]);
    expect(regexFilter('(-?[$0-9.,]{2,})|(-?[0-9]+)', -1)([['1 then 22 then 3']], [{}])).toEqual([['3']]);
    expect(regexFilter('(x)')([['nothing']], [{}])).toEqual([['[invalid]']]);
    expect(regexFilter('(a)|(b)', 0, 'none')([['b']], [{}])).toEqual([['b']]);
  });
  it('take_first, take_first_k, remove_whitespace, majority_vote (ties to the first seen)', () => {
    expect(takeFirst([['a', 'b']], [{}])).toEqual(['a']);
    expect(takeFirstK(2)([['a', 'b', 'c']], [{}])).toEqual([['a', 'b']]);
    expect(() => takeFirstK(4)([['a']], [{}])).toThrow('increase repeats');
    expect(removeWhitespace([['  x', 'y']], [{}])).toEqual([[' x', 'y']]);
    expect(majorityVote([['b', 'a', 'a', 'b', 'c']], [{}])).toEqual([['b']]);
    expect(majorityVote([['c', 'a', 'a']], [{}])).toEqual([['a']]);
  });
});

describe('pass@k (unbiased estimator, HF code_eval)', () => {
  it.each([
    [5, 2, 1, 0.4],
    [10, 3, 5, 1 - 21 / 252],
    [10, 0, 1, 0],
    [3, 2, 2, 1],
    [1, 1, 1, 1],
  ])('n=%i c=%i k=%i → %f', (n, c, k, expected) => {
    expect(estimatePassAtK(n, c, k)).toBeCloseTo(expected, 12);
  });
  it('matches numpy on 1 - prod(1 - k / arange(n-c+1, n+1))', () => {
    expect(estimatePassAtK(10, 3, 5)).toBe(0.9166666666666666);
  });

  it('humaneval through the engine: prompt + completion + test + check(entry_point) in the sandbox, 5 samples → pass@1 = c/n', async () => {
    const programs: string[] = [];
    const executor: CodeExecutor = {
      run: async (program) => {
        programs.push(program);
        const ok = program.includes('return 1');
        return { passed: ok, result: ok ? 'passed' : 'failed: AssertionError' };
      },
    };
    const [p] = await registry.prepare('humaneval', 0, 1, { repeats: 5, seed: 7 });
    expect(p.requests.filter((r) => r.type === 'generate_until').map((r) => (r as { sampleIndex: number }).sampleIndex)).toEqual([0, 1, 2, 3, 4]);
    const outs = ['    return 1\n', '    return 0\n', '    return 1\n', '    pass\n', '    return 2\n'];
    let i = 0;
    const responses = p.requests.map((r) => (r.type === 'generate_until' ? gen(outs[i++]) : ll(-12, false, 30)));
    const rec = await scoreSample(registry.get('humaneval'), p, responses, { latencyMs: 1 }, { executor });
    // numpy's 1 - prod(1 - 1/arange(4, 6)) is 0.3999999999999999 too: same float operations, same result.
    expect(rec.metrics).toEqual({ 'pass@1,create_test': 0.3999999999999999 });
    const doc = p.doc as { prompt: string; test: string };
    expect(programs[0]).toBe(`${doc.prompt}    return 1\n\n${doc.test}\ncheck(has_close_elements)`);
    expect(rec.loss).toMatchObject({ nll: 12, tokens: 30 });
    await expect(scoreSample(registry.get('humaneval'), p, responses, { latencyMs: 1 })).rejects.toThrow('CodeExecutor');
  });
});

describe('aggregation and stderr (lm_eval/api/metrics.py)', () => {
  it('mean with stderr = sample std (n-1) / sqrt(n)', () => {
    expect(meanWithStderr([1, 0, 1, 1, 0])).toEqual({ value: 0.6, stderr: 0.24494897427831783, n: 5 });
  });
  it('perplexity family: perplexity = exp(-mean ll); word/byte perplexity = exp(-Σll/Σw); bits_per_byte = -Σll/Σbytes/ln 2', () => {
    expect(AGGREGATIONS.perplexity.fn([-1, -3])).toBeCloseTo(Math.exp(2), 12);
    expect(AGGREGATIONS.weighted_perplexity.fn([[-10, 5], [-20, 5]])).toBeCloseTo(Math.exp(3), 12);
    expect(AGGREGATIONS.bits_per_byte.fn([[-10, 5], [-20, 5]])).toBeCloseTo(3 / Math.LN2, 12);
    expect(aggregateItems('weighted_perplexity', [[-10, 5], [-20, 5]]).stderr).toBeNull();
  });
  it('bootstrap stderr reproduces lm-eval bootstrap_stderr (CPython: 1.672146902144906 for 2000 iters)', () => {
    const xs = [-1.5, -2.25, -0.75, -3.0, -1.0, -2.0, -0.5];
    expect(bootstrapStderr(AGGREGATIONS.perplexity.fn, xs, 2000)).toBeCloseTo(1.672146902144906, 12);
    expect(aggregateItems('perplexity', xs, 2000)).toMatchObject({ value: 4.813519741131481, n: 7 });
  });
  it('pooled stderr for groups (CPython/numpy: 0.044249767886870975)', () => {
    expect(pooledSampleStderr([0.1, 0.05, 0.2], [10, 40, 5])).toBeCloseTo(0.044249767886870975, 15);
  });
  it('MMLU groups micro-average by size (weight_by_size), unlike the macro mean of subjects', () => {
    const child = (value: number, n: number) => ({ acc: { metric: 'acc', filter: 'none', value, stderr: 0.01, n, aggregation: 'mean', higherIsBetter: true } });
    const children = { a: child(0.9, 100), b: child(0.3, 300) };
    const micro: GroupDefinition = { name: 'g', tasks: ['a', 'b'], aggregate: [{ metric: 'acc', filters: ['none'], weightBySize: true }], version: '1', config: { group: 'g', task: ['a', 'b'] } };
    const macro: GroupDefinition = { ...micro, aggregate: [{ metric: 'acc', filters: ['none'], weightBySize: false }] };
    expect(aggregateGroup(micro, children).acc.value).toBeCloseTo(0.45, 12);
    expect(aggregateGroup(macro, children).acc.value).toBeCloseTo(0.6, 12);
    expect(aggregateGroup(micro, children).acc.n).toBe(400);
    expect(aggregateGroup(micro, children).acc.stderr).toBeCloseTo(pooledSampleStderr([0.01, 0.01], [100, 300]), 15);
  });
  it('the mmlu tree equals the micro-average over all questions', () => {
    const leaves: Record<string, ReturnType<typeof aggregateTask>> = {};
    let correct = 0;
    let total = 0;
    registry.expand('mmlu').forEach((t, i) => {
      const n = 10 + i;
      const acc = (i % 7) / 7;
      correct += acc * n;
      total += n;
      leaves[t] = { acc: { metric: 'acc', filter: 'none', value: acc, stderr: 0.1, n, aggregation: 'mean', higherIsBetter: true } };
    });
    const tree = aggregateGroupTree('mmlu', (n) => (registry.hasGroup(n) ? registry.getGroup(n) : null), leaves);
    expect(tree.mmlu.acc.value).toBeCloseTo(correct / total, 12);
    expect(tree.mmlu.acc.n).toBe(total);
    expect(tree.mmlu_stem.acc.n).toBe(registry.expand('mmlu_stem').reduce((a, t) => a + leaves[t].acc.n, 0));
  });
  it('aggregateTask reads per-sample records, including weighted (value, weight) metrics', () => {
    const task = registry.get('tinystories');
    const recs = [
      { metrics: { word_perplexity: -10, word_perplexity__weight: 4, byte_perplexity: -10, byte_perplexity__weight: 20, bits_per_byte: -10, bits_per_byte__weight: 20 } },
      { metrics: { word_perplexity: -14, word_perplexity__weight: 6, byte_perplexity: -14, byte_perplexity__weight: 28, bits_per_byte: -14, bits_per_byte__weight: 28 } },
    ];
    const r = aggregateTask(task, recs);
    expect(r.word_perplexity.value).toBeCloseTo(Math.exp(24 / 10), 12);
    expect(r.byte_perplexity.value).toBeCloseTo(Math.exp(0.5), 12);
    expect(r.bits_per_byte.value).toBeCloseTo(0.5 / Math.LN2, 12);
    expect(r.bits_per_byte).toMatchObject({ stderr: null, n: 2, higherIsBetter: false });
  });
});
