import { PRIMARY_METRIC_NAMES, primaryMetricKey } from './primary-metric';

describe('primaryMetricKey', () => {
  it('prefers acc_norm, then acc, and the strict GSM8K match over the flexible one', () => {
    expect(primaryMetricKey(['acc', 'acc_norm'])).toBe('acc_norm');
    expect(primaryMetricKey(['exact_match,flexible-extract', 'exact_match,strict-match'])).toBe('exact_match,strict-match');
    expect(primaryMetricKey(['exact_match,flexible-extract', 'exact_match,b'])).toBe('exact_match,b');
  });
  it('answers null when no key is a primary metric', () => expect(primaryMetricKey(['cond_nll_per_token', 'bleu'])).toBeNull());
  it('names each metric once, in preference order', () => expect(PRIMARY_METRIC_NAMES).toEqual(['acc_norm', 'acc', 'exact_match', 'pass@1', 'mc2', 'mc1']));
});
