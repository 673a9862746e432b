import type { DatasetKwargs, TaskConfig } from '../types';

/**
 * A text-loss task over any corpus: one loglikelihood_rolling request per document (the whole
 * text, windowed by the backend), reported as lm-eval's word_perplexity, byte_perplexity and
 * bits_per_byte; the per-sample record's loss carries the per-token NLL.
 */
export function textLossConfig(task: string, files: string | string[], kwargs: Omit<DatasetKwargs, 'data_files'> = {}): TaskConfig {
  return {
    task,
    tag: ['text_loss'],
    dataset_path: 'text',
    dataset_kwargs: { ...kwargs, data_files: { validation: typeof files === 'string' ? [files] : files } },
    output_type: 'loglikelihood_rolling',
    validation_split: 'validation',
    doc_to_text: '',
    doc_to_target: '{{text}}',
    metric_list: [
      { metric: 'word_perplexity', aggregation: 'weighted_perplexity', higher_is_better: false },
      { metric: 'byte_perplexity', aggregation: 'weighted_perplexity', higher_is_better: false },
      { metric: 'bits_per_byte', aggregation: 'bits_per_byte', higher_is_better: false },
    ],
    metadata: { version: 1.0 },
    densebench: { max_num_fewshot: 0 },
  };
}

/** The first 1000 TinyStories validation stories, one document per story. */
export const tinystoriesConfig: TaskConfig = textLossConfig('tinystories', 'tinystories/tinystories_val_first1000.txt', {
  separator: '\n<|endoftext|>\n',
});
