import type { SampleRecord } from '@app/contracts';
import { sampleMatches, sampleView } from '../sample-view';

const base = { doc_hash: 'd', prompt_hash: 'p', target_hash: 't', tokens: { input: 10, output: 3 }, timing: { latency_ms: 5 } };

describe('sampleView', () => {
  it('reads a multiple-choice record: choices, the gold choice, the choice of highest log-likelihood', () => {
    const r: SampleRecord = {
      ...base, doc_id: 4, benchmark: 'arc_easy',
      arguments: [['Q: sky?\nA:', ' blue'], ['Q: sky?\nA:', ' green']],
      target: 0,
      resps: [[[-1.5, false]], [[-0.5, true]]],
      filtered_resps: [[-1.5, false], [-0.5, true]],
      metrics: { acc: 0 },
    };
    expect(sampleView(r)).toEqual({
      benchmark: 'arc_easy', docId: 4, prompt: 'Q: sky?\nA:', choices: [' blue', ' green'], target: ' blue', response: ' green', filtered: ' green',
      metrics: { acc: 0 }, tokens: { input: 10, output: 3 }, error: null,
    });
  });

  it('reads a generation record: the generated text and the filtered answer', () => {
    const r: SampleRecord = {
      ...base, doc_id: 0, benchmark: 'gsm8k',
      arguments: [['Question: 2+2?\nAnswer:', { until: ['Question:'] }]],
      target: 'It is 4. #### 4',
      resps: [['2 and 2 make 4. #### 4']],
      filtered_resps: ['4'],
      metrics: { exact_match: 1 },
      error: 'none',
    };
    const v = sampleView(r);
    expect([v.prompt, v.choices, v.target, v.response, v.filtered, v.error]).toEqual(['Question: 2+2?\nAnswer:', null, 'It is 4. #### 4', '2 and 2 make 4. #### 4', '4', 'none']);
    expect(sampleMatches(v, 'MAKE 4')).toBe(true);
    expect(sampleMatches(v, 'five')).toBe(false);
  });
});
