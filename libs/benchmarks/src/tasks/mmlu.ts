import type { GroupConfig, TaskConfig } from '../types';

export type MmluCategory = 'stem' | 'other' | 'social_sciences' | 'humanities';

/** lm-eval tasks/mmlu/_generate_configs.py SUBJECTS: subject → category group. */
export const MMLU_SUBJECTS: Readonly<Record<string, MmluCategory>> = {
  abstract_algebra: 'stem',
  anatomy: 'stem',
  astronomy: 'stem',
  business_ethics: 'other',
  clinical_knowledge: 'other',
  college_biology: 'stem',
  college_chemistry: 'stem',
  college_computer_science: 'stem',
  college_mathematics: 'stem',
  college_medicine: 'other',
  college_physics: 'stem',
  computer_security: 'stem',
  conceptual_physics: 'stem',
  econometrics: 'social_sciences',
  electrical_engineering: 'stem',
  elementary_mathematics: 'stem',
  formal_logic: 'humanities',
  global_facts: 'other',
  high_school_biology: 'stem',
  high_school_chemistry: 'stem',
  high_school_computer_science: 'stem',
  high_school_european_history: 'humanities',
  high_school_geography: 'social_sciences',
  high_school_government_and_politics: 'social_sciences',
  high_school_macroeconomics: 'social_sciences',
  high_school_mathematics: 'stem',
  high_school_microeconomics: 'social_sciences',
  high_school_physics: 'stem',
  high_school_psychology: 'social_sciences',
  high_school_statistics: 'stem',
  high_school_us_history: 'humanities',
  high_school_world_history: 'humanities',
  human_aging: 'other',
  human_sexuality: 'social_sciences',
  international_law: 'humanities',
  jurisprudence: 'humanities',
  logical_fallacies: 'humanities',
  machine_learning: 'stem',
  management: 'other',
  marketing: 'other',
  medical_genetics: 'other',
  miscellaneous: 'other',
  moral_disputes: 'humanities',
  moral_scenarios: 'humanities',
  nutrition: 'other',
  philosophy: 'humanities',
  prehistory: 'humanities',
  professional_accounting: 'other',
  professional_law: 'humanities',
  professional_medicine: 'other',
  professional_psychology: 'social_sciences',
  public_relations: 'social_sciences',
  security_studies: 'social_sciences',
  sociology: 'social_sciences',
  us_foreign_policy: 'social_sciences',
  virology: 'other',
  world_religions: 'humanities',
};

const CATEGORY_ALIAS: Record<MmluCategory, string> = { stem: 'stem', other: 'other', social_sciences: 'social sciences', humanities: 'humanities' };

/**
 * One MMLU subject as lm-eval's tasks/mmlu/default (_default_template_yaml + mmlu_<subject>.yaml):
 * few-shot = the first n dev questions, prompt "question\nA. …\nB. …\nC. …\nD. …\nAnswer:",
 * continuations " A".." D", acc. lm-eval leaves num_fewshot to the command line; densebench's default
 * is the standard 5. The local CSVs (an export of cais/mmlu with an index answer) are mapped to the
 * HF shape by mmlu.process_docs, read as strings (no type inference).
 */
export function mmluSubjectConfig(subject: string): TaskConfig {
  const category = MMLU_SUBJECTS[subject];
  return {
    task: `mmlu_${subject}`,
    task_alias: subject,
    tag: [`mmlu_${category}_tasks`],
    dataset_path: 'cais/mmlu',
    dataset_name: subject,
    dataset_kwargs: { data_files: { test: `mmlu/test/${subject}_test.csv`, dev: `mmlu/dev/${subject}_dev.csv` }, format: 'csv', infer_types: false },
    test_split: 'test',
    fewshot_split: 'dev',
    fewshot_config: { sampler: 'first_n' },
    output_type: 'multiple_choice',
    process_docs: { function: 'mmlu.process_docs' },
    doc_to_text: '{{question.strip()}}\nA. {{choices[0]}}\nB. {{choices[1]}}\nC. {{choices[2]}}\nD. {{choices[3]}}\nAnswer:',
    doc_to_choice: ['A', 'B', 'C', 'D'],
    doc_to_target: 'answer',
    description: `The following are multiple choice questions (with answers) about ${subject.split('_').join(' ')}.\n\n`,
    num_fewshot: 5,
    metric_list: [{ metric: 'acc', aggregation: 'mean', higher_is_better: true }],
    metadata: { version: 1.0 },
    densebench: { max_num_fewshot: 5 },
  };
}

export const mmluConfigs: TaskConfig[] = Object.keys(MMLU_SUBJECTS).map(mmluSubjectConfig);

/** mmlu_stem, mmlu_other, mmlu_social_sciences, mmlu_humanities and mmlu: acc micro-averaged (weight_by_size). */
export const mmluGroups: GroupConfig[] = [
  ...(Object.keys(CATEGORY_ALIAS) as MmluCategory[]).map((cat) => ({
    group: `mmlu_${cat}`,
    group_alias: CATEGORY_ALIAS[cat],
    task: Object.keys(MMLU_SUBJECTS)
      .filter((s) => MMLU_SUBJECTS[s] === cat)
      .map((s) => `mmlu_${s}`),
    aggregate_metric_list: [{ metric: 'acc', weight_by_size: true }],
    metadata: { version: 2 },
  })),
  {
    group: 'mmlu',
    task: ['mmlu_stem', 'mmlu_other', 'mmlu_social_sciences', 'mmlu_humanities'],
    aggregate_metric_list: [{ metric: 'acc', weight_by_size: true }],
    metadata: { version: 2 },
  },
];
