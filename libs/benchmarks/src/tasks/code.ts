import type { TaskConfig } from '../types';

/**
 * HumanEval as lm-evaluation-harness's tasks/humaneval/humaneval.yaml: greedy completion of the
 * prompt, candidate = prompt + completion, run with `test + "\ncheck(entry_point)"` in the sandbox,
 * pass@1. The conditional loss is that of the canonical solution given the prompt.
 */
export const humanevalConfig: TaskConfig = {
  task: 'humaneval',
  dataset_path: 'openai/openai_humaneval',
  dataset_kwargs: { data_files: { test: 'humaneval/HumanEval.jsonl.gz' }, format: 'jsonl' },
  unsafe_code: true,
  output_type: 'generate_until',
  test_split: 'test',
  doc_to_text: '{{prompt}}',
  doc_to_target: '{{test}}\ncheck({{entry_point}})',
  metric_list: [{ metric: { function: 'utils.pass_at_k' }, aggregation: 'mean', higher_is_better: true, k: [1] }],
  generation_kwargs: { until: ['\nclass', '\ndef', '\n#', '\nif', '\nprint'], max_gen_toks: 1024, do_sample: false },
  repeats: 1,
  num_fewshot: 0,
  filter_list: [{ name: 'create_test', filter: [{ function: 'custom', filter_fn: { function: 'humaneval.build_predictions' } }] }],
  metadata: { version: 1.0 },
  densebench: { loss_target: '{{canonical_solution}}', loss_delimiter: '' },
};

/**
 * MBPP as lm-evaluation-harness's tasks/mbpp/mbpp.yaml: the 500 test problems (task ids 11-510),
 * 3-shot with tasks 2, 3, 4 as examples, generation until "[DONE]", code extracted from the answer,
 * pass@1 on the three asserts. The local file holds all 974 problems; mbpp.process_docs selects
 * the splits by task id as the HF "full" dataset does.
 */
export const mbppConfig: TaskConfig = {
  task: 'mbpp',
  dataset_path: 'google-research-datasets/mbpp',
  dataset_name: 'full',
  dataset_kwargs: { data_files: { test: 'mbpp/mbpp.jsonl', prompt_fewshot: 'mbpp/mbpp.jsonl' } },
  unsafe_code: true,
  output_type: 'generate_until',
  test_split: 'test',
  fewshot_split: 'prompt_fewshot',
  process_docs: { function: 'mbpp.process_docs' },
  doc_to_text:
    'You are an expert Python programmer, and here is your task: {{text}} Your code should pass these tests:\n\n{{test_list[0]}}\n{{test_list[1]}}\n{{test_list[2]}}\n[BEGIN]\n',
  doc_to_target: '{% if is_fewshot is defined %}{{code}}\n[DONE]{% else %}{{test_list[0]}}\n{{test_list[1]}}\n{{test_list[2]}}{% endif %}',
  target_delimiter: '',
  metric_list: [{ metric: { function: 'utils.pass_at_1' }, aggregation: 'mean', higher_is_better: true }],
  filter_list: [{ name: 'extract_code', filter: [{ function: 'custom', filter_fn: { function: 'mbpp.build_predictions' } }] }],
  generation_kwargs: { until: ['[DONE]'], do_sample: false },
  num_fewshot: 3,
  fewshot_config: { sampler: 'first_n' },
  metadata: { version: 1.0 },
  densebench: { loss_target: '{{code}}\n[DONE]', loss_delimiter: '', max_num_fewshot: 3 },
};
