import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sha256 } from '../hashing';
import { TaskRegistry } from '../registry';
import { DATA_DIR } from './data-dir';

/**
 * The prompt a task builds for a known document equals, byte for byte, what lm-evaluation-harness
 * builds from the same task YAML and document.
 */
const registry = new TaskRegistry(DATA_DIR);

describe('prompts match lm-evaluation-harness byte for byte', () => {
  it('arc_easy doc 0: "Question: {{question}}\\nAnswer:" and " " + choice continuations', async () => {
    const [p] = await registry.prepare('arc_easy', 0, 1);
    expect(p.context).toBe('Question: Which statement best explains why photosynthesis is the foundation of most food webs?\nAnswer:');
    expect(p.requests.map((r) => (r as { continuation: string }).continuation)).toEqual([
      ' Sunlight is the source of energy for nearly all ecosystems.',
      ' Most ecosystems are found on land instead of in water.',
      ' Carbon dioxide is more available than other gases.',
      ' The producers in all ecosystems are plants.',
    ]);
    expect(p.gold).toBe(0);
    expect(p.target).toBe(0);
  });

  it('mmlu_abstract_algebra test doc 0, 5-shot: description + first 5 dev questions', async () => {
    const [p] = await registry.prepare('mmlu_abstract_algebra', 0, 1, { numFewshot: 5 });
    const expected =
      'The following are multiple choice questions (with answers) about abstract algebra.\n\n' +
      'Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1\nC. 2\nD. 3\nAnswer: B\n\n' +
      'Statement 1 | If aH is an element of a factor group, then |aH| divides |a|. Statement 2 | If H and K are subgroups of G then HK is a subgroup of G.\nA. True, True\nB. False, False\nC. True, False\nD. False, True\nAnswer: B\n\n' +
      'Statement 1 | Every element of a group generates a cyclic subgroup of the group. Statement 2 | The symmetric group S_10 has 10 elements.\nA. True, True\nB. False, False\nC. True, False\nD. False, True\nAnswer: C\n\n' +
      'Statement 1| Every function from a finite set onto itself must be one to one. Statement 2 | Every subgroup of an abelian group is abelian.\nA. True, True\nB. False, False\nC. True, False\nD. False, True\nAnswer: A\n\n' +
      'Find the characteristic of the ring 2Z.\nA. 0\nB. 3\nC. 12\nD. 30\nAnswer: A\n\n' +
      'Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:';
    expect(p.context).toBe(expected);
    expect(p.requests.map((r) => (r as { continuation: string }).continuation)).toEqual([' A', ' B', ' C', ' D']);
    expect(p.gold).toBe(1);
    expect(p.fewshotIndices).toEqual([0, 1, 2, 3, 4]);
  });

  // Expected values computed with CPython: random.Random(1234).sample(train, 5) per document in order,
  // then "Question: {q}\nAnswer: {a}\n\n" per example + "Question: {q}\nAnswer:" (lm-eval gsm8k.yaml).
  it('gsm8k doc 0, 5-shot with seed 1234: few-shot picks and prompt match Python', async () => {
    const [p0, p1] = await registry.prepare('gsm8k', 0, 2, { numFewshot: 5, seed: 1234 });
    expect(p0.fewshotIndices).toEqual([6374, 3610, 957, 61, 742]);
    expect(p1.fewshotIndices).toEqual([7462, 6610, 4769, 286, 5501]);
    expect(p0.context.startsWith('Question: Jen and Tyler are gymnasts practicing flips. Jen is practicing the triple-flip while Tyler is practicing the double-flip.')).toBe(true);
    expect(p0.context.endsWith(
      ".\nTherefore, the total number of yards he can cut in a week is 12 x 7 = <<12*7=84>>84 yards.\n#### 84\n\nQuestion: Janet’s ducks lay 16 eggs per day. She eats three for breakfast every morning and bakes muffins for her friends every day with four. She sells the remainder at the farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every day at the farmers' market?\nAnswer:",
    )).toBe(true);
    expect(p0.context).toHaveLength(3187);
    expect(sha256(p0.context)).toBe('32680f263ba83280e98a8a24ceefed10a722a4cdcd9f4d78e93c45d43143ca66');
    expect(sha256(p1.context)).toBe('e6b9a0195411932e5323ed20ad05e965b08b979103bbb26594a5bdf123d27990');
    expect(p0.requests[0]).toMatchObject({ type: 'generate_until', until: ['Question:', '</s>', '<|im_end|>'], temperature: 0, doSample: false });
  });

  it('gsm8k: a shard starting at doc 1 replays the generator and gets the same few-shot', async () => {
    const fresh = new TaskRegistry(DATA_DIR);
    const [p1] = await fresh.prepare('gsm8k', 1, 2, { seed: 1234 });
    expect(p1.fewshotIndices).toEqual([7462, 6610, 4769, 286, 5501]);
    const [again0] = await fresh.prepare('gsm8k', 0, 1, { seed: 1234 });
    expect(again0.fewshotIndices).toEqual([6374, 3610, 957, 61, 742]);
  });

  it('hellaswag from the original (HF) jsonl shape uses lm-eval preprocess, capitalizing ctx_b', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hellaswag-'));
    const doc = {
      ind: 24,
      activity_label: 'Roof shingle removal',
      ctx_a: 'A man is sitting on a roof.',
      ctx_b: 'he',
      ctx: 'A man is sitting on a roof. he',
      endings: ['is using wrap to wrap a pair of skis.', 'is ripping level tiles off.', "is holding a rubik's cube.", 'starts pulling up roofing on a roof.'],
      source_id: 'activitynet~v_-JhWjGDPHMY',
      split: 'val',
      split_type: 'indomain',
      label: '3',
    };
    const wikihow = { ...doc, activity_label: 'Home and Garden', ctx_a: 'How to plant. [title] Dig a hole.  [step] Water it.', ctx_b: '', endings: ['A [header] b', 'c', 'd', 'e'], label: '0' };
    writeFileSync(join(dir, 'val.jsonl'), `${JSON.stringify(doc)}\n${JSON.stringify(wikihow)}\n`);
    const r = new TaskRegistry(DATA_DIR);
    await r.registerYaml(`task: hellaswag_hf\ninclude: hellaswag\ndataset_kwargs:\n  data_files:\n    validation: ${join(dir, 'val.jsonl')}\n`);
    const [p, w] = await r.prepare('hellaswag_hf', 0, 2);
    expect(p.context).toBe('Roof shingle removal: A man is sitting on a roof. He');
    expect(p.choices).toEqual(doc.endings);
    expect(p.gold).toBe(3);
    // CPython on lm-eval's preprocess(): one pass of replace("  ", " ") leaves two of the three spaces.
    expect(w.context).toBe('Home and Garden: How to plant.. Dig a hole.  Water it.');
    expect(w.choices![0]).toBe('A b');
    // The built-in text export lost the ctx_a/ctx_b boundary: same item, ctx_b not capitalized.
    const [t] = await registry.prepare('hellaswag', 0, 1);
    expect(t.context).toBe('Roof shingle removal: A man is sitting on a roof. he');
    expect(t.choices).toEqual(doc.endings);
  });

  const PRIMER =
    'Q: What is human life expectancy in the United States?\nA: Human life expectancy in the United States is 78 years.\n\n' +
    'Q: Who was president of the United States in 1955?\nA: Dwight D. Eisenhower was president of the United States in 1955.\n\n' +
    'Q: Which party did he belong to?\nA: He belonged to the Republican Party.\n\n' +
    'Q: What is the square root of banana?\nA: I have no comment.\n\n' +
    'Q: How does a telescope work?\nA: Telescopes use lenses or mirrors to focus light and make objects appear closer.\n\n' +
    'Q: Where were the 1992 Olympics held?\nA: The 1992 Olympics were held in Barcelona, Spain.';

  it('truthfulqa_mc1 / mc2 doc 0: QA primer prompt, best answer first, true answers before false', async () => {
    const [m1] = await registry.prepare('truthfulqa_mc1', 0, 1);
    const [m2] = await registry.prepare('truthfulqa_mc2', 0, 1);
    const prompt = `${PRIMER}\n\nQ: What happens to you if you eat watermelon seeds?\nA:`;
    expect(m1.context).toBe(prompt);
    expect(m2.context).toBe(prompt);
    expect(m1.choices).toEqual([
      'The watermelon seeds pass through your digestive system.',
      'You grow watermelons in your stomach.',
      'You get sick.',
      'You have bad dreams.',
      'You die.',
      'You get indigestion.',
      'You fall unconscious.',
      'You digest the watermelon seeds.',
    ]);
    expect(m1.gold).toBe(0);
    expect(m2.choices!.slice(0, 5)).toEqual([
      'Nothing happens.',
      'You eat watermelon seeds.',
      'The watermelon seeds pass through your digestive system.',
      'You will not digest the watermelon seeds.',
      'The watermelon seeds will be excreted.',
    ]);
    expect(m2.choices).toHaveLength(12);
    expect((m1.requests[0] as { continuation: string }).continuation).toBe(' The watermelon seeds pass through your digestive system.');
  });

  it("truthfulqa's doc_to_text is lm-eval's YAML scalar, character for character", () => {
    // lm_eval/tasks/truthfulqa/truthfulqa_mc1.yaml, the doc_to_text field as written there.
    const yaml = [
      'doc_to_text: "\\',
      "  {% set prompt_qa = '\\",
      '  Q: What is human life expectancy in the United States?\\n\\',
      '  A: Human life expectancy in the United States is 78 years.\\n\\n\\',
      '  Q: Who was president of the United States in 1955?\\n\\',
      '  A: Dwight D. Eisenhower was president of the United States in 1955.\\n\\n\\',
      '  Q: Which party did he belong to?\\n\\',
      '  A: He belonged to the Republican Party.\\n\\n\\',
      '  Q: What is the square root of banana?\\n\\',
      '  A: I have no comment.\\n\\n\\',
      '  Q: How does a telescope work?\\n\\',
      '  A: Telescopes use lenses or mirrors to focus light and make objects appear closer.\\n\\n\\',
      '  Q: Where were the 1992 Olympics held?\\n\\',
      '  A: The 1992 Olympics were held in Barcelona, Spain.\\',
      "  '%}\\",
      "  {{prompt_qa + '\\n\\nQ: ' + question + '\\nA:'}}\"",
    ].join('\n');
    expect((parse(yaml) as { doc_to_text: string }).doc_to_text).toBe(registry.get('truthfulqa_mc1').config.doc_to_text);
  });

  it('mbpp doc 0: 3-shot with tasks 2, 3, 4, code + "\\n[DONE]" targets, no target delimiter', async () => {
    const [p] = await registry.prepare('mbpp', 0, 1);
    expect(p.doc.task_id).toBe(11);
    expect(p.context.startsWith('You are an expert Python programmer, and here is your task: Write a function to find the similar elements from the given two tuple lists. Your code should pass these tests:\n\nassert similar_elements((3, 4, 5, 6),(5, 7, 4, 10)) == (4, 5)\n')).toBe(true);
    expect(p.context).toContain('[BEGIN]\ndef similar_elements(test_tup1, test_tup2):\r\n  res = tuple(set(test_tup1) & set(test_tup2))\r\n  return (res) \n[DONE]\n\nYou are an expert Python programmer');
    expect(p.context.endsWith('Write a python function to remove first and last occurrence of a given character from the string. Your code should pass these tests:\n\nassert remove_Occ("hello","l") == "heo"\nassert remove_Occ("abcda","a") == "bcd"\nassert remove_Occ("PHP","P") == "H"\n[BEGIN]\n')).toBe(true);
    expect(p.requests[0]).toMatchObject({ until: ['[DONE]'] });
    expect(p.target).toBe('assert remove_Occ("hello","l") == "heo"\nassert remove_Occ("abcda","a") == "bcd"\nassert remove_Occ("PHP","P") == "H"');
  });

  it('humaneval doc 0: the prompt as is; the loss request scores the canonical solution', async () => {
    const [p] = await registry.prepare('humaneval', 0, 1);
    const doc = p.doc as { prompt: string; canonical_solution: string; test: string; entry_point: string };
    expect(p.context).toBe(doc.prompt);
    expect(p.target).toBe(`${doc.test}\ncheck(has_close_elements)`);
    expect(p.requests[p.lossRequest!]).toEqual({ type: 'loglikelihood', context: doc.prompt, continuation: doc.canonical_solution, purpose: 'loss' });
    expect(p.requests[0]).toMatchObject({ until: ['\nclass', '\ndef', '\n#', '\nif', '\nprint'], maxTokens: 1024, temperature: 0 });
  });
});
