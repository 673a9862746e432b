/**
 * The score a benchmark is summarised by when no reference family says otherwise: the first of these
 * metric keys the run reports (lm-evaluation-harness's usual primary metrics, strict GSM8K match first).
 */
export const PRIMARY_METRIC_PREFERENCE = ['acc_norm', 'acc', 'exact_match,strict-match', 'exact_match', 'pass@1', 'mc2', 'mc1'];

export function primaryMetricKey(available: readonly string[]): string | null {
  for (const name of PRIMARY_METRIC_PREFERENCE) {
    if (available.includes(name)) return name;
    const filtered = available.filter((k) => k.startsWith(`${name},`)).sort();
    if (filtered.length > 0) return filtered[0];
  }
  return null;
}
