import type { GroupConfig, TaskConfig } from '../types';
import { arcChallengeConfig, arcEasyConfig } from './arc';
import { humanevalConfig, mbppConfig } from './code';
import { gsm8kConfig } from './gsm8k';
import { hellaswagConfig } from './hellaswag';
import { mmluConfigs, mmluGroups } from './mmlu';
import { tinystoriesConfig } from './text-loss';
import { truthfulqaMc1Config, truthfulqaMc2Config } from './truthfulqa';

/** The standard suite, as data (lm-eval TaskConfig vocabulary) over the files in the data dir. */
export const BUILTIN_TASKS: readonly TaskConfig[] = [
  arcEasyConfig,
  arcChallengeConfig,
  hellaswagConfig,
  ...mmluConfigs,
  gsm8kConfig,
  humanevalConfig,
  mbppConfig,
  truthfulqaMc1Config,
  truthfulqaMc2Config,
  tinystoriesConfig,
];

export const BUILTIN_GROUPS: readonly GroupConfig[] = [...mmluGroups];
