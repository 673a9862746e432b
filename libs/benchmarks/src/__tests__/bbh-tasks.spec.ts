import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenerateResult, LoglikelihoodResult } from '@app/contracts';
import { aggregateGroupTree, aggregateTask } from '../engine/aggregate-task';
import { scoreSample } from '../engine/score';
import { regexFilter } from '../filters/filters';
import { TaskRegistry } from '../registry';
import { DATA_DIR } from './data-dir';

const registry = new TaskRegistry(DATA_DIR);
const TASKS = registry.expand('bbh_cot_fewshot').map((t) => t.replace('bbh_cot_fewshot_', ''));

/** Suzgun et al.'s prompt file: everything after the canary line and "-----". */
const promptFile = (task: string) => readFileSync(join(DATA_DIR, 'bbh/cot-prompts', `${task}.txt`), 'utf8').split('\n-----\n').pop()!;

/**
 * lm-eval's bbh/_generate_configs.py, --fewshot without --cot: description + each example cut at
 * "Let's think step by step." followed by its answer (`(?<=answer is )(.*)(?=.)`), then the question.
 */
function plainPrompt(task: string, input: string): string {
  const [description, ...shots] = promptFile(task).split('\n\n');
  let out = '';
  const examples: string[] = [];
  for (const shot of shots) {
    const answer = /(?<=answer is )(.*)(?=.)/.exec(shot);
    if (!answer) out += `${shot}\n\n`; // snarks: the second paragraph of its header (lm-eval's description has it)
    else examples.push(`${shot.split("Let's think step by step.")[0]}${answer[0]}\n\n`);
  }
  return `${description}\n\n${out}${examples.join('')}Q: ${input}\nA:`;
}

const gen = (text: string): GenerateResult => ({ text, inputTokens: 100, outputTokens: 20, finishReason: 'stop', ttftMs: 1, totalMs: 5 });
const ll: LoglikelihoodResult = { logprob: -3, isGreedy: false, contextTokens: 100, continuationTokens: 2 };

describe('BBH: bbh_cot_fewshot and bbh_fewshot', () => {
  it('27 tasks in each group (and "bbh" = the CoT suite); 6,511 questions from bbh/<task>.json', async () => {
    expect(TASKS).toHaveLength(27);
    expect(registry.expand('bbh_fewshot')).toEqual(TASKS.map((t) => `bbh_fewshot_${t}`));
    expect(registry.expand('bbh')).toEqual(registry.expand('bbh_cot_fewshot'));
    let total = 0;
    for (const t of TASKS) {
      const docs = await registry.evalDocs(`bbh_cot_fewshot_${t}`);
      expect(Object.keys(docs[0])).toEqual(['input', 'target']);
      total += docs.length;
    }
    expect(total).toBe(6511);
    expect(registry.getGroup('bbh_cot_fewshot').aggregate).toEqual([{ metric: 'exact_match', filters: ['get-answer'], weightBySize: true }]);
  });

  it.each(TASKS)('%s: the CoT prompt is the prompt file byte for byte, then the question', async (task) => {
    const [p] = await registry.prepare(`bbh_cot_fewshot_${task}`, 0, 1);
    expect(p.fewshotIndices).toEqual([0, 1, 2]);
    expect(p.context).toBe(`${promptFile(task)}\n\nQ: ${String(p.doc.input)}\nA: Let's think step by step.\n`);
    expect(p.requests[0]).toMatchObject({ type: 'generate_until', until: ['</s>', 'Q', '\n\n'], maxTokens: 1024, temperature: 0, doSample: false });
    const [q] = await registry.prepare(`bbh_fewshot_${task}`, 0, 1);
    expect(q.context).toBe(plainPrompt(task, String(q.doc.input)));
    expect(q.requests[0]).toMatchObject({ until: ['</s>', 'Q', '\n\n'], maxTokens: 256 });
    expect(q.target).toBe(p.doc.target);
  });

  it('get-answer: what follows "the answer is " up to the last character of the line, first match', () => {
    const f = regexFilter('(?<=the answer is )(.*)(?=.)');
    const one = (s: string) => (f([[s]], []) as string[][])[0][0];
    expect(one("Let's see. So the answer is False.")).toBe('False');
    expect(one('So the answer is (A).\nThen the answer is (B).')).toBe('(A)');
    expect(one('So the answer is 3929.')).toBe('3929');
    expect(one('So the answer is ] } ].')).toBe('] } ]');
    expect(one('So the answer is yes')).toBe('ye'); // no final "." to drop: the last character goes (as in lm-eval)
    expect(one('The Answer is yes.')).toBe('[invalid]');
  });

  it('scores exact_match on the extracted answer (CoT) or on the raw text (plain), aggregated by size', async () => {
    const cot = registry.get('bbh_cot_fewshot_boolean_expressions');
    const [p] = await registry.prepare(cot.name, 0, 1);
    expect(p.target).toBe('False');
    const right = await scoreSample(cot, p, [gen('not ( True ) = False. So the answer is False.'), ll], { latencyMs: 1 });
    const wrong = await scoreSample(cot, p, [gen('So the answer is false.'), ll], { latencyMs: 1 });
    expect([right.metrics, wrong.metrics]).toEqual([{ 'exact_match,get-answer': 1 }, { 'exact_match,get-answer': 0 }]);
    expect(right.filtered_resps).toEqual(['False']);
    const plain = registry.get('bbh_fewshot_boolean_expressions');
    const [q] = await registry.prepare(plain.name, 0, 1);
    expect((await scoreSample(plain, q, [gen('False'), ll], { latencyMs: 1 })).metrics).toEqual({ exact_match: 1 });
    expect((await scoreSample(plain, q, [gen(' False'), ll], { latencyMs: 1 })).metrics).toEqual({ exact_match: 0 });

    const leaf = (n: number, hits: number) => aggregateTask(cot, Array.from({ length: n }, (_, i) => ({ metrics: { 'exact_match,get-answer': i < hits ? 1 : 0 } })));
    const leaves = Object.fromEntries(TASKS.map((t, i) => [`bbh_cot_fewshot_${t}`, leaf(i === 0 ? 4 : 2, i === 0 ? 4 : 0)]));
    const groups = aggregateGroupTree('bbh_cot_fewshot', (n) => (registry.hasGroup(n) ? registry.getGroup(n) : null), leaves);
    expect(groups.bbh_cot_fewshot['exact_match,get-answer'].value).toBeCloseTo(4 / (4 + 26 * 2), 12);
  });
});
