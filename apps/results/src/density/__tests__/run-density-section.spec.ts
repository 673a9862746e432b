import { parse } from 'csv-parse/sync';
import { primaryMetricKey } from '@app/density';
import { densityRows } from '../density-rows';
import { efficiencyFigures, pooledUsage } from '../run-efficiency';
import { RunDensitySection, referenceDensity, runReportCsv, runReportJson } from '../run-density-section';
import { knownCalibration } from './known-family';

const calibration = knownCalibration();
const version = { id: 'v1', referenceId: 'r1', reference: 'known', version: 3, d0Tokens: 5e12, metrics: { arc_easy: 'acc', hellaswag: 'acc' }, calibration };
const runRows = densityRows(version, calibration, { kind: 'run', subjectId: 'run-1', modelId: 'm', runId: 'run-1', params: 1e6, scores: { arc_easy: { score: 0.6, source: 'run:run-1' } } });
const usage = { benchmark: 'arc_easy', metric: 'acc_norm', score: 0.5, items: 40, inputTokens: 4000, outputTokens: 0, busyMs: 1000, workerCostUsd: 0.001 };
const model = { priceInputPerM: null, priceOutputPerM: null, activeParams: 1e6 };
const section: RunDensitySection = {
  computed: true,
  references: [referenceDensity(version, calibration, runRows)],
  efficiency: [efficiencyFigures(usage, model), efficiencyFigures(pooledUsage([usage])!, model)],
  errors: [],
};

describe('the run density report', () => {
  it('groups a fit version\'s rows into a headline and benchmarks', () => {
    const [ref] = section.references;
    expect(ref).toMatchObject({ referenceId: 'r1', reference: 'known', fitVersionId: 'v1', version: 3, d0Tokens: 5e12, method: 'densing-law-two-step' });
    expect(ref.headline.validation).toBeNull(); // the two-step method has no leave-one-size-out validation
    expect(ref.headline).toMatchObject({ benchmark: 'AVERAGE', score: null, undefinedReason: 'MISSING_SCORE' });
    expect(ref.benchmarks.map((b) => [b.benchmark, b.undefinedReason])).toEqual([['arc_easy', null], ['hellaswag', 'MISSING_SCORE']]);
  });

  it('writes one CSV line per reference × benchmark, the AVERAGE line with the pooled efficiency, nulls as empty cells', () => {
    const rows: Array<Record<string, string>> = parse(runReportCsv(section), { columns: true });
    expect(rows.map((r) => r.benchmark)).toEqual(['arc_easy', 'hellaswag', 'AVERAGE']);
    expect(rows[0]).toMatchObject({ reference: 'known', fit_version: '3', method: 'densing-law-two-step', validated: '', metric: 'acc', score: '0.6', items: '40', input_tokens: '4000', score_per_1k_output_tokens: '' });
    expect(Number(rows[0].density)).toBeCloseTo(runRows[0].density!, 12);
    expect(rows[1]).toMatchObject({ score: '', density: '', density_undefined_reason: 'MISSING_SCORE', items: '' });
    expect(rows[2]).toMatchObject({ density_undefined_reason: 'MISSING_SCORE', items: '40', cost_usd: '0.001' });
    const alone: Array<Record<string, string>> = parse(runReportCsv({ ...section, references: [] }), { columns: true });
    expect(alone.map((r) => [r.benchmark, r.reference, r.score])).toEqual([['arc_easy', '', '0.5'], ['ALL', '', '0.5']]);
  });

  it('writes the JSON report without the storage keys', () => {
    const json = JSON.parse(runReportJson({ id: 'run-1', model: { id: 'm', name: 'tiny' } }, { ...section, report: { json: 'k1', csv: 'k2' } }));
    expect(json).toMatchObject({ kind: 'run-density-report', runId: 'run-1', model: { name: 'tiny' }, computed: true });
    expect(json.report).toBeUndefined();
  });
});

describe('primaryMetricKey', () => {
  it('prefers acc_norm, then acc, then strict GSM8K exact match', () => {
    expect(primaryMetricKey(['acc', 'acc_norm', 'cond_nll_per_token'])).toBe('acc_norm');
    expect(primaryMetricKey(['acc', 'cond_nll_per_token'])).toBe('acc');
    expect(primaryMetricKey(['exact_match,flexible-extract', 'exact_match,strict-match'])).toBe('exact_match,strict-match');
    expect(primaryMetricKey(['exact_match,flexible-extract'])).toBe('exact_match,flexible-extract');
    expect(primaryMetricKey(['bits_per_byte'])).toBeNull();
  });
});
