import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenerateResult, LoglikelihoodResult } from '@app/contracts';
import { scoreSample } from '../engine/score';
import { TaskRegistry } from '../registry';
import { DATA_DIR } from './data-dir';

const registry = new TaskRegistry(DATA_DIR);
const SUBJECTS: Record<string, [string, number]> = {
  algebra: ['algebra', 1187],
  counting_and_prob: ['counting_and_probability', 474],
  geometry: ['geometry', 479],
  intermediate_algebra: ['intermediate_algebra', 903],
  num_theory: ['number_theory', 540],
  prealgebra: ['prealgebra', 871],
  precalc: ['precalculus', 546],
};
const mathFile = (path: string) => JSON.parse(readFileSync(join(DATA_DIR, 'math', path), 'utf8')) as Record<string, string>;
const gen = (text: string): GenerateResult => ({ text, inputTokens: 10, outputTokens: 5, finishReason: 'stop', ttftMs: 1, totalMs: 2 });
const ll: LoglikelihoodResult = { logprob: -1, isGreedy: false, contextTokens: 10, continuationTokens: 1 };

describe('MATH: minerva_math, hendrycks_math and their MATH-500 subsets', () => {
  it('7 subjects a group, 5,000 problems read one file each in sorted file-name order', async () => {
    expect(registry.expand('minerva_math')).toEqual(Object.keys(SUBJECTS).map((s) => `minerva_math_${s}`));
    expect(registry.expand('hendrycks_math')).toEqual(Object.keys(SUBJECTS).map((s) => `hendrycks_math_${s}`));
    for (const [short, [folder, n]] of Object.entries(SUBJECTS)) {
      const docs = await registry.evalDocs(`minerva_math_${short}`);
      expect(docs).toHaveLength(n);
      // "1.json", "10.json", "100.json", …: names sorted as Python sorts them.
      const names = readdirSync(join(DATA_DIR, 'math/test', folder)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const i of [0, 1, n - 1]) expect(docs[i].problem).toBe(mathFile(`test/${folder}/${names[i]}`).problem);
    }
    const [a0] = await registry.evalDocs('minerva_math_algebra');
    expect(Object.keys(a0)).toEqual(['problem', 'level', 'type', 'solution', 'answer']);
    expect(a0.problem).toBe(mathFile('test/algebra/1.json').problem);
    const env = await registry.envelope('minerva_math_algebra');
    expect(env.dataset.eval.files).toEqual([expect.objectContaining({ uri: 'math/test/algebra/*.json', bytes: 734285 })]);
    expect(env.dataset.eval.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(registry.getGroup('minerva_math').aggregate).toEqual([{ metric: 'exact_match', filters: ['none'], weightBySize: true }]);
  });

  it('minerva_math: the four Minerva examples, then "Problem:\\n…\\n\\nSolution:"; the target is the normalized boxed answer', async () => {
    const [p] = await registry.prepare('minerva_math_algebra', 0, 1);
    expect(p.numFewshot).toBe(4);
    expect(p.context.startsWith('Problem:\nFind the domain of the expression  $\\frac{\\sqrt{x-2}}{\\sqrt{5-x}}$.}\n\nSolution: The expressions inside each square root must be non-negative.')).toBe(true);
    expect(p.context).toContain('$\\boxed{[2,5)}$.\nFinal Answer: The final answer is $[2,5)$. I hope it is correct.\n\nProblem:\nIf $\\det \\mathbf{A} = 2$');
    expect(p.context).toContain('30n&=480\\\\\n\\Rightarrow\\qquad n&=480/30=\\boxed{16}\n\\end{align*}\nFinal Answer: The final answer is $16$.');
    expect(p.context).toContain('\\begin{align*}\n6x-4y&=a,\\\\\n6y-9x &=b.\n\\end{align*}has a solution');
    expect(p.context.endsWith('Final Answer: The final answer is $-\\frac{2}{3}$. I hope it is correct.\n\nProblem:\nHow many vertical asymptotes does the graph of $y=\\frac{2}{x^2+x-6}$ have?\n\nSolution:')).toBe(true);
    expect(p.context.split('\n\nProblem:\n')).toHaveLength(5);
    expect(p.target).toBe('2');
    expect(p.requests[0]).toMatchObject({ type: 'generate_until', until: ['Problem:'], maxTokens: 256, temperature: 0 });
  });

  it('minerva_math scoring: the "Final Answer" sentence, normalized, equivalent to the gold answer', async () => {
    const task = registry.get('minerva_math_algebra');
    const [p] = await registry.prepare(task.name, 0, 1);
    const score = async (text: string) => (await scoreSample(task, p, [gen(text), ll], { latencyMs: 1 })).metrics;
    expect(await score(' The denominator is zero twice.\nFinal Answer: The final answer is $2$. I hope it is correct.')).toEqual({ exact_match: 1 });
    expect(await score(' Final Answer: The final answer is $\\frac{4}{2}$. I hope it is correct.')).toEqual({ exact_match: 1 });
    expect(await score(' Final Answer: The final answer is $3$. I hope it is correct.')).toEqual({ exact_match: 0 });
    expect(await score(' The answer is $\\boxed{2}$.')).toEqual({ exact_match: 0 }); // no "Final Answer" sentence
  });

  it('hendrycks_math: 0-shot "Problem: …\\nAnswer:", the boxed answer as it is, string normalization', async () => {
    const task = registry.get('hendrycks_math_algebra');
    expect(task.maxNumFewshot).toBe(0);
    const [p] = await registry.prepare(task.name, 0, 1);
    expect(p.context).toBe('Problem: How many vertical asymptotes does the graph of $y=\\frac{2}{x^2+x-6}$ have?\nAnswer:');
    const score = async (text: string) => (await scoreSample(task, p, [gen(text), ll], { latencyMs: 1 })).metrics;
    expect(await score(' $2$')).toEqual({ exact_match: 1 });
    expect(await score(' 2')).toEqual({ exact_match: 1 }); // strip_string drops spaces
    expect(await score(' 3')).toEqual({ exact_match: 0 });
    expect(await score(' There are $2$ of them.')).toEqual({ exact_match: 1 });
    const [q] = await registry.prepare('hendrycks_math500', 0, 1);
    expect(q.target).toBe('\\left( 3, \\frac{\\pi}{2} \\right)');
  });

  it('MATH-500: the 500 problems prm800k lists, the same problems and solutions as the MATH files they name', async () => {
    const docs = await registry.evalDocs('minerva_math500');
    expect(docs).toHaveLength(500);
    expect(Object.keys(docs[0])).toEqual(['problem', 'solution', 'answer', 'subject', 'level', 'unique_id']);
    for (const d of docs) {
      const f = mathFile(String(d.unique_id));
      expect([d.problem, d.solution]).toEqual([f.problem, f.solution]);
    }
    expect(docs[0].answer).toBe('\\le(3,\\frac{\\pi}{2}\\right)'); // minerva's normalization replaces MATH-500's answer column
    expect((await registry.prepare('minerva_math500', 0, 1))[0].numFewshot).toBe(4);
  });

  it('a glob in data_files names local files only, and must match some', async () => {
    const r = new TaskRegistry(DATA_DIR);
    const yaml = (files: string) => `task: g\ninclude: hendrycks_math_algebra.yaml\ndataset_kwargs: {data_files: {test: "${files}"}, format: json, sample_by: document}\n`;
    await expect(r.registerYaml(yaml('math/test/algebra/zzz*.json'))).rejects.toThrow('matches no file');
    await expect(r.registerYaml(yaml('https://example.org/*.json'))).rejects.toThrow('"*" works in the file name of a local path only');
  });
});
