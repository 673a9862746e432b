import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AVERAGE, assertCalibration } from '../capability/reference-calibration';
import { estimateModelDensity } from '../capability/model-density';
import { calibrateFromScores } from '../capability/score-calibration';
import { PYTHIA_REFERENCE, observedKeys, parsePythiaTable, pythiaObservations } from './pythia-table';

// The built-in reference as a fresh install fits it, on the real table (about 10 s on one core).
const ROOT = resolve(__dirname, '..', '..', '..', '..');
const observations = pythiaObservations(parsePythiaTable(readFileSync(join(ROOT, 'references', 'pythia', 'pythia-evals.csv'))));
const benchmarks = observedKeys(observations);
const calibration = calibrateFromScores({
  name: PYTHIA_REFERENCE.name,
  d0Tokens: PYTHIA_REFERENCE.trainingTokens,
  benchmarks,
  averageCandidates: benchmarks.filter((b) => !b.includes('@')),
  observations,
});
const validated = (key: string) => calibration.benchmarks[key]?.validation?.validated;

describe('the built-in Pythia reference fitted on EleutherAI\'s published scores', () => {
  it('fits every benchmark with a trend to convergence, and says why the others are left out', () => {
    expect(Object.keys(calibration.excluded!).sort()).toEqual(['arc_challenge', 'logiqa@5-shot']);
    expect(calibration.excluded!.arc_challenge).toMatch(/Spearman 0\.46/);
    for (const c of Object.values(calibration.benchmarks)) {
      expect(c.composed!.quality.converged).toBe(true);
      expect(c.composed!.params.c + c.composed!.params.d).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('validates the benchmarks where held-out sizes come back within the limits, and only those', () => {
    expect(Object.keys(calibration.benchmarks).filter(validated).sort()).toEqual([
      'arc_challenge@5-shot', 'arc_easy', 'arc_easy@5-shot', 'lambada_openai', 'lambada_openai@5-shot', 'piqa', 'piqa@5-shot', 'winogrande',
    ]);
    // MMLU stays near chance for every Pythia size: its curve cannot place a size (6.9b comes back as 7× its size).
    expect(calibration.benchmarks.mmlu.validation!.worstFactor!).toBeGreaterThan(4);
    expect(calibration.benchmarks.logiqa.validation!.validated).toBe(false);
    expect(calibration.average.benchmarks).toEqual(['arc_easy', 'lambada_openai', 'piqa', 'winogrande']);
    expect(calibration.average.validation!.validated).toBe(true);
  });

  it('places each Pythia model near its own size from its final scores (in sample; 12b, at the edge, reads as 2.2×)', () => {
    const stored: unknown = JSON.parse(JSON.stringify(calibration));
    assertCalibration(stored);
    const finals = observations.filter((o) => o.tokens === PYTHIA_REFERENCE.trainingTokens);
    expect(finals).toHaveLength(8);
    for (const o of finals) {
      const report = estimateModelDensity(stored, { id: o.member, params: o.params, scores: o.scores });
      expect(report.headline.benchmark).toBe(AVERAGE);
      if (!report.headline.estimate.defined) throw new Error(`${o.member}: ${report.headline.estimate.message}`);
      expect(report.headline.estimate.density).toBeGreaterThan(0.5);
      expect(report.headline.estimate.density).toBeLessThan(o.member === 'pythia-12b' ? 2.5 : 1.5);
    }
  });
});
