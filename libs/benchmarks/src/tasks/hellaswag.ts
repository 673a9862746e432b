import type { TaskConfig } from '../types';

/**
 * HellaSwag as lm-evaluation-harness's tasks/hellaswag/hellaswag.yaml: validation split, query and
 * choices from hellaswag.process_docs (lm-eval's preprocess), acc and acc_norm.
 *
 * The built-in data file is llama.cpp's text export of the 10,042 validation items (the original
 * hellaswag_val.jsonl is not shipped). The process_docs function accepts both shapes; with the
 * text export the query differs from lm-eval's in one respect: ctx_b is not capitalized (the export
 * joined ctx_a and ctx_b before lm-eval's `ctx_b.capitalize()` could apply). To reproduce lm-eval
 * exactly, point data_files.validation at the original jsonl (and drop `format`).
 */
export const hellaswagConfig: TaskConfig = {
  task: 'hellaswag',
  tag: ['multiple_choice'],
  dataset_path: 'Rowan/hellaswag',
  dataset_name: null,
  dataset_kwargs: { data_files: { validation: 'hellaswag/hellaswag_val_full.txt.bz2' }, format: 'hellaswag-txt' },
  output_type: 'multiple_choice',
  training_split: 'train',
  validation_split: 'validation',
  test_split: null,
  process_docs: { function: 'hellaswag.process_docs' },
  doc_to_text: '{{query}}',
  doc_to_target: '{{label}}',
  doc_to_choice: 'choices',
  metric_list: [
    { metric: 'acc', aggregation: 'mean', higher_is_better: true },
    { metric: 'acc_norm', aggregation: 'mean', higher_is_better: true },
  ],
  metadata: { version: 1.0 },
};
