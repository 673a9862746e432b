/**
 * The metric a benchmark is summarised by (fitted in, when a reference family does not name one; shown in run-end
 * efficiency figures; picked from an imported lm-eval results file): the first of these keys the runs report
 * (lm-evaluation-harness's usual primary metrics, strict GSM8K match first).
 */
export const PRIMARY_METRIC_PREFERENCE = ['acc_norm', 'acc', 'exact_match,strict-match', 'exact_match', 'pass@1', 'mc2', 'mc1'];

/** The same preference by metric name alone, for results that keep the filter apart (lm-eval's `acc,none`). */
export const PRIMARY_METRIC_NAMES = [...new Set(PRIMARY_METRIC_PREFERENCE.map((k) => k.split(',')[0]))];

/** The preferred key among a run's metric keys (`name` or `name,filter`); null when none is a primary metric. */
export function primaryMetricKey(available: readonly string[]): string | null {
  for (const name of PRIMARY_METRIC_PREFERENCE) {
    if (available.includes(name)) return name;
    const filtered = available.filter((k) => k.startsWith(`${name},`)).sort();
    if (filtered.length > 0) return filtered[0];
  }
  return null;
}

/** The run metric holding the conditional loss −log P(answer | prompt) per token (see the results service). */
export const CONDITIONAL_LOSS_METRIC = 'cond_nll_per_token';
