import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DomainException, ErrorCode, GenerateResult, LoglikelihoodResult } from '@app/contracts';
import { missingFileMessage } from '@app/files';
import { aggregateTask } from '../engine/aggregate-task';
import { scoreSample } from '../engine/score';
import { TaskRegistry } from '../registry';
import { DATA_DIR } from './data-dir';

const dir = mkdtempSync(join(tmpdir(), 'yaml-tasks-'));
const jsonl = (name: string, docs: object[]) => {
  const p = join(dir, name);
  writeFileSync(p, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  return p;
};
const qa = jsonl('qa.jsonl', [
  { q: 'What is 2+2?', a: '4', opts: ['3', '4'], gold: 1 },
  { q: 'What is 3+3?', a: '6', opts: ['6', '7'], gold: 0 },
  { q: 'Capital of France?', a: 'Paris', opts: ['Paris', 'Rome'], gold: 0 },
  { q: 'Blue?', a: 'yes', opts: ['yes', 'no'], gold: 0 },
  { q: 'Odd one', opts: ['x', 'y'], gold: 1 },
]);

const errorOf = async (fn: () => Promise<unknown> | unknown): Promise<DomainException> => {
  try {
    await fn();
  } catch (err) {
    return err as DomainException;
  }
  throw new Error('expected an error');
};

const baseYaml = (extra = '', file = qa) => `task: my_qa
dataset_path: json
dataset_kwargs:
  data_files:
    test: ${file}
test_split: test
output_type: multiple_choice
doc_to_text: "Q: {{q}}\\nA:"
doc_to_choice: "{{opts}}"
doc_to_target: gold
${extra}`;

describe('custom tasks from lm-eval style YAML', () => {
  it('registers, lists and runs a multiple-choice task', async () => {
    const r = new TaskRegistry(DATA_DIR);
    const { tasks } = await r.registerYaml(baseYaml('metric_list:\n  - metric: acc\n  - metric: acc_norm\nmetadata:\n  version: 2.1\n'), { source: 'my_qa.yaml' });
    expect(tasks.map((t) => t.name)).toEqual(['my_qa']);
    const summary = r.describe().tasks.find((t) => t.name === 'my_qa')!;
    expect(summary).toMatchObject({ source: 'yaml', version: '2.1', outputType: 'multiple_choice', metrics: [{ metric: 'acc' }, { metric: 'acc_norm' }] });
    expect(summary.hash).toMatch(/^[0-9a-f]{64}$/);
    const [p] = await r.prepare('my_qa', 0, 1);
    expect(p.context).toBe('Q: What is 2+2?\nA:');
    expect(p.requests.map((x) => (x as { continuation: string }).continuation)).toEqual([' 3', ' 4']);
    const env = await r.envelope('my_qa');
    expect(env).toMatchObject({ task: 'my_qa', version: '2.1', taskHash: summary.hash, fewshot: { numFewshot: 0, seed: 1234 } });
    expect(env.dataset.eval.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a generate_until task with filters, repeats and majority vote, scored and aggregated', async () => {
    const r = new TaskRegistry(DATA_DIR);
    await r.registerYaml(`task: my_gen
dataset_path: json
dataset_kwargs: {data_files: {test: ${qa}}}
test_split: test
output_type: generate_until
doc_to_text: "Q: {{q}}\\nA:"
doc_to_target: "{{a}}"
repeats: 3
generation_kwargs: {until: ["\\n"], do_sample: true, temperature: 0.7, top_p: 0.9, max_gen_toks: 16}
filter_list:
  - name: maj
    filter: [{function: regex, regex_pattern: "([0-9]+)"}, {function: majority_vote}, {function: take_first}]
metric_list:
  - metric: exact_match
    ignore_case: true
`, { checkData: false });
    const [p] = await r.prepare('my_gen', 0, 1, { seed: 100 });
    const gens = p.requests.filter((x) => x.type === 'generate_until');
    expect(gens).toHaveLength(3);
    expect(gens[2]).toMatchObject({ until: ['\n'], temperature: 0.7, topP: 0.9, doSample: true, maxTokens: 16, seed: 102, sampleIndex: 2 });
    const texts = [' 5', ' 4', ' it is 4'];
    let i = 0;
    const responses = p.requests.map((x): GenerateResult | LoglikelihoodResult =>
      x.type === 'generate_until'
        ? { text: texts[i++], inputTokens: 8, outputTokens: 3, finishReason: 'stop', ttftMs: 2, totalMs: 10 }
        : { logprob: -0.5, isGreedy: true, contextTokens: 8, continuationTokens: 1 },
    );
    const rec = await scoreSample(r.get('my_gen'), p, responses, { latencyMs: 3 });
    expect(rec.metrics).toEqual({ 'exact_match,maj': 1 });
    expect(rec.resps).toEqual([texts]);
    expect(rec.timing).toMatchObject({ latency_ms: 3, ttft_ms: 2, tpot_ms: 4 });
    const agg = aggregateTask(r.get('my_gen'), [rec, { metrics: { 'exact_match,maj': 0 } }]);
    expect(agg['exact_match,maj']).toMatchObject({ value: 0.5, n: 2, filter: 'maj', metric: 'exact_match' });
  });

  it('include: inherits a registered task and overrides fields', async () => {
    const r = new TaskRegistry(DATA_DIR);
    await r.registerYaml(`task: gsm8k_3shot\ninclude: gsm8k\nnum_fewshot: 3\n`);
    const [p] = await r.prepare('gsm8k_3shot', 0, 1);
    expect(p.fewshotIndices).toEqual([6374, 3610, 957]);
  });

  describe('errors name the task and the field or YAML line', () => {
    const r = new TaskRegistry(DATA_DIR);

    it('malformed YAML', async () => {
      const e = await errorOf(() => r.registerYaml('task: broken\ndoc_to_text: [unclosed\nmetric_list: 1\n', { source: 'broken.yaml' }));
      expect(e).toBeInstanceOf(DomainException);
      expect(e.code).toBe(ErrorCode.InvalidInput);
      expect(e.message).toMatch(/^task "broken" \(broken\.yaml line \d+\): malformed YAML at line \d+, column \d+/);
    });

    it('unknown field, with a suggestion and its line', async () => {
      const e = await errorOf(() => r.registerYaml(baseYaml('doc_to_targt: gold\n'), { source: 'x.yaml' }));
      expect(e.message).toBe('task "my_qa", field "doc_to_targt" (x.yaml line 11): unknown field (did you mean "doc_to_target"?)');
    });

    it('unknown metric argument, nested', async () => {
      const e = await errorOf(() => r.registerYaml(baseYaml('metric_list:\n  - metric: acc\n  - metric: exact_match\n    ignore_cas: true\n')));
      expect(e.message).toContain('task "my_qa", field "metric_list[1].ignore_cas" (yaml line 14): unknown argument for metric exact_match (did you mean "ignore_case"?)');
    });

    it('template syntax error at registration', async () => {
      const e = await errorOf(() => r.registerYaml(baseYaml().replace('doc_to_text: "Q: {{q}}\\nA:"', 'doc_to_text: "Q: {{q}\\nA:"')));
      expect(e.message).toMatch(/^task "my_qa", field "doc_to_text" \(yaml line 8\): template syntax error/);
    });

    it('template error on real documents at registration names the document', async () => {
      const e = await errorOf(() => r.registerYaml(baseYaml().replace('{{q}}', '{{q.strip()}} {{a}}')));
      expect(e.message).toBe(`task "my_qa", field "doc_to_text", doc 4: 'a' is undefined`);
      expect(r.has('my_qa')).toBe(false);
    });

    it('template error at render time names the document', async () => {
      const reg = new TaskRegistry(DATA_DIR);
      await reg.registerYaml(baseYaml().replace('{{q}}', '{{q}} ({{a}})'), { checkDocs: 3 });
      const e = await errorOf(() => reg.prepare('my_qa', 0, 5));
      expect(e.message).toBe(`task "my_qa", field "doc_to_text", doc 4: 'a' is undefined`);
      expect(e.details).toMatchObject({ task: 'my_qa', docId: 4, field: 'doc_to_text' });
    });

    it('missing dataset file', async () => {
      const e = await errorOf(() => r.registerYaml(baseYaml('', join(dir, 'nope.jsonl'))));
      expect(e.code).toBe(ErrorCode.MissingResource);
      expect(e.message).toBe(`task "my_qa": ${missingFileMessage('data', join(dir, 'nope.jsonl'), [])}`);
    });

    it('corrupt dataset files: bad JSON line, bad gzip', async () => {
      const bad = join(dir, 'bad.jsonl');
      writeFileSync(bad, '{"q": "a", "opts": ["x"], "gold": 0}\n{"q": oops}\n');
      const e1 = await errorOf(() => r.registerYaml(baseYaml('', bad)));
      expect(e1.message).toMatch(new RegExp(`^task "my_qa": dataset file ${bad}: line 2 is not valid JSON`));
      const gz = join(dir, 'bad.jsonl.gz');
      writeFileSync(gz, gzipSync(Buffer.from('{"q": "a"}\n')).subarray(0, 15));
      const e2 = await errorOf(() => r.registerYaml(baseYaml('', gz)));
      expect(e2.message).toMatch(new RegExp(`^task "my_qa": dataset file ${gz}: is corrupt \\(gzip`));
    });

    it('unknown function, unknown filter, wrong metric for the output type, unknown include, taken name', async () => {
      expect((await errorOf(() => r.registerYaml(baseYaml('process_docs: !function utils.nope\n')))).message).toContain('field "process_docs" (yaml line 11): no process_docs function "utils.nope"');
      expect((await errorOf(() => r.registerYaml(baseYaml('process_docs: !function utils.process_docs\n')))).message).toContain('ambiguous, use one of: hellaswag.process_docs');
      expect((await errorOf(() => r.registerYaml(baseYaml('filter_list:\n  - name: f\n    filter: [{function: regexx}]\n')))).message).toContain('field "filter_list[0].filter[0].function" (yaml line 13): unknown filter "regexx"');
      expect((await errorOf(() => r.registerYaml(baseYaml('metric_list:\n  - metric: bits_per_byte\n')))).message).toContain('metric bits_per_byte does not apply to output type multiple_choice');
      expect((await errorOf(() => r.registerYaml('task: t2\ninclude: no_such_task\n'))).message).toBe('task "t2", field "include" (yaml line 2): includes "no_such_task", which is neither a registered task nor a built-in template or task file');
      const taken = await errorOf(() => r.registerYaml(baseYaml().replace('task: my_qa', 'task: gsm8k')));
      expect(taken.code).toBe(ErrorCode.Conflict);
      expect(taken.message).toContain('already registered (built in)');
    });

    it('num_fewshot beyond the few-shot pool', async () => {
      // Few-shot documents come from training_split, which has no data file here.
      const e = await errorOf(() => r.registerYaml(baseYaml('training_split: train\nnum_fewshot: 2\n')));
      expect(e.message).toContain('field "num_fewshot" (yaml line 12): is 2 but the task has no few-shot source');
      // Without any other split, lm-eval falls back to the test split itself. fewshot_split (None) !=
      // test_split, so it draws only n: CPython's Random(1234).sample(range(5), 2) is [3, 0], and
      // dropping the document itself leaves one example — lm-eval's behaviour, reproduced.
      const ok = new TaskRegistry(DATA_DIR);
      await ok.registerYaml(baseYaml('num_fewshot: 2\n'));
      const [p] = await ok.prepare('my_qa', 0, 1);
      expect(p.fewshotIndices).toEqual([3]);
    });

    it('all or nothing: a failing document leaves nothing registered', async () => {
      const reg = new TaskRegistry(DATA_DIR);
      await errorOf(() => reg.registerYaml(`${baseYaml().replace('my_qa', 'first_ok')}\n---\n${baseYaml('bogus: 1\n').replace('my_qa', 'second_bad')}`));
      expect(reg.has('first_ok')).toBe(false);
    });
  });

  it('groups from YAML aggregate registered tasks', async () => {
    const r = new TaskRegistry(DATA_DIR);
    const { groups } = await r.registerYaml(`group: my_suite\ntask: [arc_easy, arc_challenge]\naggregate_metric_list:\n  - metric: acc\n    weight_by_size: true\n`);
    expect(groups[0]).toMatchObject({ name: 'my_suite', tasks: ['arc_easy', 'arc_challenge'], aggregate: [{ metric: 'acc', weightBySize: true, filters: ['none'] }] });
    expect(r.expand('my_suite')).toEqual(['arc_easy', 'arc_challenge']);
    const e = await errorOf(() => r.registerYaml('group: g2\ntask: [arc_easy, nope]\n'));
    expect(e.message).toBe('task "g2", field "task[1]" (yaml line 2): "nope" is not a registered task or group');
  });
});
