import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoglikelihoodResult, RollingLoglikelihoodResult, SAMPLE_RECORD_SCHEMA_VERSION } from '@app/contracts';
import { prepareMultipleChoice, scoreMultipleChoice } from '../engine/sample';
import { countWords, scoreSample } from '../engine/score';
import { TaskRegistry } from '../registry';
import { DATA_DIR } from './data-dir';

const registry = new TaskRegistry(DATA_DIR);
const ll = (logprob: number, isGreedy = false): LoglikelihoodResult => ({ logprob, isGreedy, contextTokens: 20, continuationTokens: 3 });
const dir = mkdtempSync(join(tmpdir(), 'engine-'));
const file = join(dir, 'docs.jsonl');
writeFileSync(
  file,
  [
    { sentence: 'The cup fell because _ was slippery.', option1: 'the cup', option2: 'the table', answer: '1', tail: 'was slippery.', topic: 'physics' },
    { sentence: 'Anna helped Bea because _ was kind.', option1: 'Anna', option2: 'Bea', answer: '1', tail: 'was kind.', topic: 'people' },
  ]
    .map((d) => JSON.stringify(d))
    .join('\n'),
);

const train = join(dir, 'train.jsonl');
writeFileSync(
  train,
  [
    { sentence: 'A dog ran._', option1: 'x', option2: 'y', answer: '1', tail: '', topic: 'animals' },
    { sentence: 'Anna helped Bea because _ was kind.', option1: 'Anna', option2: 'Bea', answer: '1', tail: 'was kind.', topic: 'people' },
  ]
    .map((d) => JSON.stringify(d))
    .join('\n'),
);

describe('the generic engine', () => {
  it('keeps the worker API: prepareMultipleChoice / scoreMultipleChoice', async () => {
    const task = registry.get('arc_easy');
    const [doc] = await registry.evalDocs('arc_easy');
    const p = prepareMultipleChoice(task, doc, 0, []);
    expect(p.requests).toEqual(p.choices.map((c) => ({ context: p.context, continuation: ` ${c}` })));
    const rec = scoreMultipleChoice(task, p, [ll(-2), ll(-9), ll(-9), ll(-9)], { latencyMs: 4 });
    expect(rec).toMatchObject({ schema_version: SAMPLE_RECORD_SCHEMA_VERSION, doc_id: 0, benchmark: 'arc_easy', metrics: { acc: 1, acc_norm: 1 }, loss: { nll: 2, tokens: 3, bytes: Buffer.byteLength(` ${p.choices[0]}`) } });
    expect(rec.arguments).toHaveLength(4);
    expect(rec.resps).toEqual([[[-2, false]], [[-9, false]], [[-9, false]], [[-9, false]]]);
    expect(rec.tokens).toEqual({ input: 4 * 23, output: 0 });
  });

  it('loglikelihood_rolling: word/byte counts as lm-eval, loss per token from the backend', async () => {
    const [p] = await registry.prepare('tinystories', 0, 1);
    const text = p.target as string;
    expect(text.startsWith('Spot. Spot saw the shiny car')).toBe(true);
    expect(text.endsWith('They played together all day and became best friends.')).toBe(true);
    const res: RollingLoglikelihoodResult = { logprob: -120, tokens: 80 };
    const rec = await scoreSample(registry.get('tinystories'), p, [res], { latencyMs: 9 });
    const bytes = Buffer.byteLength(text);
    expect(rec.metrics).toEqual({
      word_perplexity: -120,
      word_perplexity__weight: countWords(text),
      byte_perplexity: -120,
      byte_perplexity__weight: bytes,
      bits_per_byte: -120,
      bits_per_byte__weight: bytes,
    });
    expect(rec.loss).toEqual({ nll: 120, tokens: 80, bytes });
    expect(countWords(' a  b\nc ')).toBe(5); // re.split(r"\s+", " a  b\nc ") → ['', 'a', 'b', 'c', '']
  });

  it('multiple input (choices in the context), templated description, acc_mutual_info requests', async () => {
    const r = new TaskRegistry(DATA_DIR);
    await r.registerYaml(`task: wino_like
dataset_path: json
dataset_kwargs: {data_files: {test: ${file}}}
test_split: test
output_type: multiple_choice
description: "Topic: {{topic}}\\n"
doc_to_text: "{{ answer | int - 1 }}"
doc_to_target: "{{ tail }}"
doc_to_choice: "{{ [sentence.split('_')[0] + option1, sentence.split('_')[0] + option2] }}"
metric_list: [{metric: acc}, {metric: acc_mutual_info}]
`);
    const [p] = await r.prepare('wino_like', 0, 1);
    expect(p.context).toBe('Topic: physics\n');
    expect(p.gold).toBe(0);
    expect(p.requests.slice(0, 2)).toEqual([
      { type: 'loglikelihood', context: 'Topic: physics\nThe cup fell because the cup', continuation: ' was slippery.', purpose: 'score', choiceIndex: 0 },
      { type: 'loglikelihood', context: 'Topic: physics\nThe cup fell because the table', continuation: ' was slippery.', purpose: 'score', choiceIndex: 1 },
    ]);
    expect(p.requests.slice(2).map((x) => [x.purpose, (x as { context: string }).context])).toEqual([
      ['unconditional', ''],
      ['unconditional', ''],
    ]);
    const rec = await scoreSample(r.get('wino_like'), p, [ll(-3), ll(-2), ll(-4), ll(-1)], { latencyMs: 1 });
    expect(rec.metrics).toEqual({ acc: 0, acc_mutual_info: 1 });
  });

  it('loglikelihood output type: perplexity item and acc = is_greedy', async () => {
    const r = new TaskRegistry(DATA_DIR);
    await r.registerYaml(`task: cloze
dataset_path: json
dataset_kwargs: {data_files: {test: ${file}}}
test_split: test
output_type: loglikelihood
doc_to_text: "{{ sentence.split('_')[0] | trim }}"
doc_to_target: " {{ option1 }}"
`);
    const [p] = await r.prepare('cloze', 0, 1);
    expect(p.requests).toEqual([{ type: 'loglikelihood', context: 'The cup fell because', continuation: ' the cup', purpose: 'score' }]);
    const rec = await scoreSample(r.get('cloze'), p, [ll(-1.5, true)], { latencyMs: 1 });
    expect(rec.metrics).toEqual({ perplexity: -1.5, acc: 1 });
  });

  it('few-shot examples whose target is "" add neither delimiter (lm-eval get_context)', async () => {
    const r = new TaskRegistry(DATA_DIR);
    await r.registerYaml(`task: fs_empty
dataset_path: json
dataset_kwargs: {data_files: {test: ${file}, train: ${train}}}
test_split: test
training_split: train
output_type: generate_until
doc_to_text: "S: {{sentence}}"
doc_to_target: "{% if topic == 'people' %}{{option1}}{% endif %}"
num_fewshot: 2
fewshot_config: {sampler: first_n}
`);
    const [p] = await r.prepare('fs_empty', 0, 1);
    expect(p.context).toBe('S: A dog ran._S: Anna helped Bea because _ was kind. Anna\n\nS: The cup fell because _ was slippery.');
    // A few-shot document equal to the evaluated one is dropped (lm-eval compares documents by value).
    const [q] = await r.prepare('fs_empty', 1, 2);
    expect(q.fewshotIndices).toEqual([0]);
  });
});
