import type { TaskConfig } from '../types';

/**
 * GSM8K as lm-evaluation-harness's tasks/gsm8k/gsm8k.yaml (version 3.0): 5-shot, examples drawn
 * with random.Random(fewshot_seed).sample from train, generation until "Question:", strict-match
 * and flexible-extract filters, exact_match after removing ",", "$", everything up to "#### " and a
 * final "." from both sides, case-insensitive.
 */
export const gsm8kConfig: TaskConfig = {
  task: 'gsm8k',
  tag: ['math_word_problems'],
  dataset_path: 'gsm8k',
  dataset_name: 'main',
  dataset_kwargs: { data_files: { train: 'gsm8k/train.jsonl', test: 'gsm8k/test.jsonl' } },
  output_type: 'generate_until',
  training_split: 'train',
  fewshot_split: 'train',
  test_split: 'test',
  doc_to_text: 'Question: {{question}}\nAnswer:',
  doc_to_target: '{{answer}}',
  metric_list: [
    {
      metric: 'exact_match',
      aggregation: 'mean',
      higher_is_better: true,
      ignore_case: true,
      ignore_punctuation: false,
      regexes_to_ignore: [',', '\\$', '(?s).*#### ', '\\.$'],
    },
  ],
  generation_kwargs: { until: ['Question:', '</s>', '<|im_end|>'], do_sample: false, temperature: 0.0 },
  repeats: 1,
  num_fewshot: 5,
  filter_list: [
    { name: 'strict-match', filter: [{ function: 'regex', regex_pattern: '#### (\\-?[0-9\\.\\,]+)' }, { function: 'take_first' }] },
    { name: 'flexible-extract', filter: [{ function: 'regex', group_select: -1, regex_pattern: '(-?[$0-9.,]{2,})|(-?[0-9]+)' }, { function: 'take_first' }] },
  ],
  metadata: { version: 3.0 },
};
