import { TaskRegistry } from '../registry';
import { DATA_DIR } from './data-dir';

const registry = new TaskRegistry(DATA_DIR);

const EXPECTED_DOCS: Record<string, number> = {
  arc_easy: 2376,
  arc_challenge: 1172,
  hellaswag: 10042,
  gsm8k: 1319,
  humaneval: 164,
  mbpp: 500,
  truthfulqa_mc1: 817,
  truthfulqa_mc2: 817,
  tinystories: 1000,
  mmlu_abstract_algebra: 100,
};

describe('built-in tasks load their real data and build requests', () => {
  it('registers the standard suite, 57 MMLU subjects and the MMLU groups', () => {
    const names = registry.list().map((t) => t.name);
    for (const n of Object.keys(EXPECTED_DOCS)) expect(names).toContain(n);
    expect(names.filter((n) => n.startsWith('mmlu_'))).toHaveLength(57);
    expect(registry.expand('mmlu')).toHaveLength(57);
    expect(registry.getGroup('mmlu').tasks).toEqual(['mmlu_stem', 'mmlu_other', 'mmlu_social_sciences', 'mmlu_humanities']);
    expect(registry.expand('mmlu_stem')).toHaveLength(19);
    expect(['mmlu_other', 'mmlu_social_sciences', 'mmlu_humanities'].map((g) => registry.expand(g).length)).toEqual([13, 12, 13]);
  });

  it.each(Object.entries(EXPECTED_DOCS))('%s: %i documents, requests for the first three', async (name, count) => {
    const ds = await registry.dataset(name);
    expect(ds.eval.docs).toHaveLength(count);
    expect(ds.eval.sha256).toMatch(/^[0-9a-f]{64}$/);
    const prepared = await registry.prepare(name, 0, 3);
    expect(prepared).toHaveLength(3);
    const task = registry.get(name);
    for (const p of prepared) {
      expect(p.requests.length).toBeGreaterThan(0);
      if (task.outputType === 'multiple_choice') {
        expect(p.requests.filter((r) => r.purpose === 'score')).toHaveLength(p.choices!.length);
        expect(p.lossRequest).toBe(p.gold);
      }
      if (task.outputType === 'generate_until') {
        expect(p.requests[0].type).toBe('generate_until');
        expect(p.requests[p.lossRequest!]).toMatchObject({ type: 'loglikelihood', purpose: 'loss' });
      }
      if (task.outputType === 'loglikelihood_rolling') expect(p.requests[0]).toMatchObject({ type: 'loglikelihood_rolling' });
    }
  });

  it('all 57 MMLU subjects load (14042 test questions, 5 dev questions each)', async () => {
    let total = 0;
    for (const t of registry.expand('mmlu')) {
      const ds = await registry.dataset(t);
      expect(ds.fewshot!.docs).toHaveLength(5);
      total += ds.eval.docs.length;
    }
    expect(total).toBe(14042);
  });

  it('lists tasks and groups with their settings (GET /v1/benchmarks)', () => {
    const { tasks, groups } = registry.describe();
    expect(tasks.find((t) => t.name === 'gsm8k')).toMatchObject({
      source: 'builtin',
      version: '3.0',
      outputType: 'generate_until',
      fewshot: { default: 5, max: null, sampler: 'default', seed: 1234 },
      filters: ['strict-match', 'flexible-extract'],
      metrics: [{ metric: 'exact_match', aggregation: 'mean', higherIsBetter: true, filters: ['strict-match', 'flexible-extract'] }],
      generation: { until: ['Question:', '</s>', '<|im_end|>'], maxGenToks: 256, doSample: false, temperature: 0 },
      dataset: { evalSplit: 'test', fewshotSplit: 'train', files: ['gsm8k/train.jsonl', 'gsm8k/test.jsonl'] },
    });
    expect(tasks.find((t) => t.name === 'mmlu_anatomy')).toMatchObject({ alias: 'anatomy', groups: ['mmlu_stem'], fewshot: { default: 5, max: 5, sampler: 'first_n' } });
    expect(groups.find((g) => g.name === 'mmlu')).toMatchObject({ alias: null, aggregate: [{ metric: 'acc', weightBySize: true, filters: ['none'] }] });
    expect(groups.find((g) => g.name === 'mmlu')!.leafTasks).toHaveLength(57);
  });

  it('the reproducibility envelope carries the task hash and the files sha256 (as in shared/SHA256SUMS)', async () => {
    const env = await registry.envelope('gsm8k', { seed: 1234 });
    expect(env).toMatchObject({ task: 'gsm8k', version: '3.0', fewshot: { numFewshot: 5, sampler: 'default', seed: 1234, split: 'train', sameSplit: false } });
    expect(env.taskHash).toBe(registry.get('gsm8k').hash);
    expect(env.dataset.eval.sha256).toBe('3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14');
    expect(env.dataset.fewshot!.sha256).toBe('17f347dc51477c50d4efb83959dbb7c56297aba886e5544ee2aaed3024813465');
    expect(env.dataset.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
