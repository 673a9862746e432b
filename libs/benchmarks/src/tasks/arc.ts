import type { TaskConfig } from '../types';

/**
 * ARC as lm-evaluation-harness's tasks/arc/arc_easy.yaml defines it (arc_challenge includes it).
 * The local data is MosaicML llm-foundry's export of the test split ({query: "Question: …", choices,
 * gold}); arc.process_docs turns it back into the allenai/ai2_arc shape the templates expect (and
 * passes HF rows through). There is no train split locally, so the task is zero-shot unless a
 * train file is added to data_files.
 */
function arcConfig(task: string, subset: string, file: string): TaskConfig {
  return {
    task,
    tag: ['ai2_arc'],
    dataset_path: 'allenai/ai2_arc',
    dataset_name: subset,
    dataset_kwargs: { data_files: { test: `arc/${file}` }, format: 'jsonl' },
    output_type: 'multiple_choice',
    training_split: 'train',
    validation_split: 'validation',
    test_split: 'test',
    process_docs: { function: 'arc.process_docs' },
    doc_to_text: 'Question: {{question}}\nAnswer:',
    doc_to_target: '{{choices.label.index(answerKey)}}',
    doc_to_choice: '{{choices.text}}',
    should_decontaminate: true,
    doc_to_decontamination_query: 'Question: {{question}}\nAnswer:',
    metric_list: [
      { metric: 'acc', aggregation: 'mean', higher_is_better: true },
      { metric: 'acc_norm', aggregation: 'mean', higher_is_better: true },
    ],
    metadata: { version: 1.0 },
  };
}

export const arcEasyConfig = arcConfig('arc_easy', 'ARC-Easy', 'arc_easy_test.llmfoundry.jsonl');
export const arcChallengeConfig = arcConfig('arc_challenge', 'ARC-Challenge', 'arc_challenge_test.llmfoundry.jsonl');
