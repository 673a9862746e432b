import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoglikelihoodResult } from '@app/contracts';
import { aggregateTask } from '../engine/aggregate-task';
import { scoreSampleSync } from '../engine/score';
import { docHash } from '../hashing';
import { TaskRegistry } from '../registry';
import { DATA_DIR } from './data-dir';

/**
 * lambada_openai, piqa, winogrande, logiqa, wsc273: documents, prompts, targets and choices checked
 * by hand against the data files and lm-eval's task code (YAML, utils, and the Hugging Face builders
 * the harness loads through). Document hashes are lm-eval's: sha256 of json.dumps(doc, indent=2)
 * of the Hugging Face row.
 */
const registry = new TaskRegistry(DATA_DIR);
const ll = (logprob: number, isGreedy = false): LoglikelihoodResult => ({ logprob, isGreedy, contextTokens: 10, continuationTokens: 2 });
const conts = (p: { requests: readonly unknown[] }) => p.requests.map((r) => (r as { continuation: string }).continuation);
const ctxs = (p: { requests: readonly unknown[] }) => p.requests.map((r) => (r as { context: string }).context);

describe('lambada_openai', () => {
  it('5,153 passages; the context is the text without its last word, the target " " + that word', async () => {
    expect(await registry.evalDocs('lambada_openai')).toHaveLength(5153);
    const [p] = await registry.prepare('lambada_openai', 0, 1);
    expect(p.context.startsWith('In my palm is a clear stone, and inside it is a small ivory statuette. A guardian angel.\n\n"Figured if')).toBe(true);
    expect(p.context.endsWith('his mouth curved in a confident grin, I don\'t care about')).toBe(true);
    expect(p.requests).toEqual([{ type: 'loglikelihood', context: p.context, continuation: ' signs', purpose: 'score' }]);
    expect(docHash(p.doc)).toBe('d5d2ee0c7bb2325b1a3b782dd2f946222c370109812c56acc7da70b662a6a60c');
    expect(registry.get('lambada_openai').maxNumFewshot).toBe(Number.MAX_SAFE_INTEGER); // few-shot from test, as lm-eval allows
  });

  it('acc = the word is the greedy continuation; perplexity = exp(-mean loglikelihood)', async () => {
    const task = registry.get('lambada_openai');
    const ps = await registry.prepare('lambada_openai', 0, 2);
    const recs = [scoreSampleSync(task, ps[0], [ll(-1.5, true)], { latencyMs: 1 }), scoreSampleSync(task, ps[1], [ll(-2.5, false)], { latencyMs: 1 })];
    expect(recs.map((r) => r.metrics)).toEqual([{ perplexity: -1.5, acc: 1 }, { perplexity: -2.5, acc: 0 }]);
    const agg = aggregateTask(task, recs, { bootstrapIters: 1000 });
    expect(agg.perplexity.value).toBeCloseTo(Math.exp(2), 12);
    expect(agg.acc.value).toBe(0.5);
    expect(recs[0].loss).toEqual({ nll: 1.5, tokens: 2, bytes: 6 });
  });
});

describe('piqa', () => {
  it('1,838 questions with the labels of valid-labels.lst; "Question: …\\nAnswer:" and the two solutions', async () => {
    const docs = await registry.evalDocs('piqa');
    expect(docs).toHaveLength(1838);
    expect(docs.filter((d) => d.label === 0)).toHaveLength(910);
    const [p] = await registry.prepare('piqa', 0, 1);
    expect(p.context).toBe("Question: How do I ready a guinea pig cage for it's new occupants?\nAnswer:");
    expect(conts(p)).toEqual([
      ' Provide the guinea pig with a cage full of a few inches of bedding made of ripped paper strips, you will also need to supply it with a water bottle and a food dish.',
      ' Provide the guinea pig with a cage full of a few inches of bedding made of ripped jeans material, you will also need to supply it with a water bottle and a food dish.',
    ]);
    expect(p.gold).toBe(0);
    expect(Object.keys(p.doc)).toEqual(['goal', 'sol1', 'sol2', 'label']);
    expect(docHash(p.doc)).toBe('ab177c9b9ad0fd48149e873e3d4804752991338a90c2072f52b975f86a7ca78e');
  });
});

describe('winogrande', () => {
  it('1,267 sentences; one context per option up to the blank, the shared rest of the sentence as continuation', async () => {
    expect(await registry.evalDocs('winogrande')).toHaveLength(1267);
    const [p] = await registry.prepare('winogrande', 0, 1);
    expect(p.doc).toEqual({ sentence: 'Sarah was a much better surgeon than Maria so _ always got the easier cases.', option1: 'Sarah', option2: 'Maria', answer: '2' });
    expect(docHash(p.doc)).toBe('62d625e23b0883658b0d294bdd30125e28c9d8ebecb11a21bdd4345c9a7694cf');
    expect(ctxs(p)).toEqual(['Sarah was a much better surgeon than Maria so Sarah', 'Sarah was a much better surgeon than Maria so Maria']);
    expect(conts(p)).toEqual([' always got the easier cases.', ' always got the easier cases.']);
    expect(p.gold).toBe(1);
    expect(p.target).toBe('always got the easier cases.');
  });

  it('acc picks the context under which the continuation is likelier', async () => {
    const task = registry.get('winogrande');
    const [p] = await registry.prepare('winogrande', 0, 1);
    expect(scoreSampleSync(task, p, [ll(-9), ll(-4)], { latencyMs: 1 }).metrics).toEqual({ acc: 1 });
    expect(scoreSampleSync(task, p, [ll(-3), ll(-4)], { latencyMs: 1 }).metrics).toEqual({ acc: 0 });
  });
});

describe('logiqa', () => {
  it('Test.txt parsed into 651 records ("." → ". "); the passage, question and "A. " choices prompt', async () => {
    expect(await registry.evalDocs('logiqa')).toHaveLength(651);
    const [p, q] = await registry.prepare('logiqa', 0, 2);
    expect(p.context).toBe(
      'Passage: In the planning of a new district in a township, it was decided to build a special community in the southeast, northwest, centered on the citizen park. These four communities are designated as cultural area, leisure area, commercial area and administrative service area. It is known that the administrative service area is southwest of the cultural area, and the cultural area is southeast of the leisure area.\n' +
        'Question: Based on the above statement, which of the following can be derived?\nChoices:\n' +
        'A. Civic Park is north of the administrative service area\nB. The leisure area is southwest of the cultural area\n' +
        'C. The cultural district is in the northeast of the business district\nD. The business district is southeast of the leisure area\nAnswer:',
    );
    expect(conts(p)[0]).toBe(' Civic Park is north of the administrative service area');
    expect(p.gold).toBe(0);
    // "…24 years old was 20 years old.20 years old." in the file: the loader's normalize adds the spaces.
    expect(q.doc.context).toContain('was 20 years old. 20 years old. At least one');
    expect(docHash(p.doc)).toBe('b76dc3e2801cba7410360be4ebaea5862d339f1417e1453e32cd4bfbf098b116');
  });
});

describe('wsc273', () => {
  it('the first 273 schemas of WSCollection.xml as HF winograd_wsc builds them, normalized as lm-eval does', async () => {
    const docs = await registry.evalDocs('wsc273');
    expect(docs).toHaveLength(273);
    expect(docs[0]).toEqual({
      text: 'The city councilmen refused the demonstrators a permit because they feared violence.',
      pronoun: 'they',
      pronoun_loc: 63,
      quote: 'they feared violence',
      quote_loc: 63,
      options: ['the city councilmen', 'the demonstrators'],
      label: 0,
      source: '(Winograd 1972)',
    });
    expect(docHash(docs[0])).toBe('266a5cdcc40ef22001c2b90c046242944fbb5937bc03b859178602333fd5e91f');
    // Gold labels agree with llm-foundry's independent export of the same 273 schemas.
    const foundry = readFileSync(join(DATA_DIR, 'wsc273/winograd_wsc.llmfoundry.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).gold);
    expect(docs.map((d) => d.label)).toEqual(foundry);
  });

  it('contexts put each candidate in the pronoun\'s place; the continuation keeps the rest\'s leading space after the " " delimiter', async () => {
    const [p] = await registry.prepare('wsc273', 0, 1);
    expect(ctxs(p)).toEqual(['The city councilmen refused the demonstrators a permit because the city councilmen', 'The city councilmen refused the demonstrators a permit because the demonstrators']);
    expect(conts(p)).toEqual(['  feared violence.', '  feared violence.']);
    expect(p.gold).toBe(0);
    // Start of a sentence: "The painting" keeps its capital.
    const [s] = await registry.prepare('wsc273', 52, 53);
    expect(ctxs(s)).toEqual(["The painting in Mark's living room shows an oak tree. The painting", "The painting in Mark's living room shows an oak tree. an oak tree"]);
    expect(conts(s)[0]).toBe('  is to the right of the bookcase.');
    // A possessive pronoun gets "'s" appended to each option, also to one that already ends in it (lm-eval's quirk).
    const [h] = await registry.prepare('wsc273', 208, 209);
    expect(h.doc.options).toEqual(["Emma's's", "Emma's mother's"]);
    expect(conts(h)[0]).toBe('  education had been managed by an excellent woman as governess.');
  });
});

describe("Pythia's published columns", () => {
  it('"wsc" is SuperGLUE WSC (104 examples), not wsc273: every acc is k/104 with the stderr of n = 104', () => {
    const root = join(DATA_DIR, 'pythia-evals/pythia-v1');
    let files = 0;
    for (const model of readdirSync(root)) {
      for (const f of readdirSync(join(root, model, 'zero-shot')).slice(0, 3)) {
        const r = JSON.parse(readFileSync(join(root, model, 'zero-shot', f), 'utf8')).results.wsc as { acc: number; acc_stderr: number };
        const k = Math.round(r.acc * 104);
        expect(Math.abs(r.acc * 104 - k)).toBeLessThan(1e-9);
        const p = k / 104;
        expect(r.acc_stderr).toBeCloseTo(Math.sqrt((p * (1 - p)) / 103), 12);
        files++;
      }
    }
    expect(files).toBeGreaterThan(20);
  });
});
