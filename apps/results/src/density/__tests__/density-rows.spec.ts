import { DensityErrorCode, DensityException } from '@app/density';
import { readCalibration } from '@app/density';
import { AVERAGE, DensitySubject, densityRows, hasAnyCalibratedScore } from '../density-rows';
import { effectiveParams, knownCalibration } from './known-family';

const calibration = knownCalibration();
const version = { id: 'v1', referenceId: 'r1', metrics: { arc_easy: 'acc', hellaswag: 'acc_norm' }, calibration };
const subject = (scores: DensitySubject['scores']): DensitySubject => ({ kind: 'model', subjectId: 'm', modelId: 'm', runId: null, params: 1e6, scores });

describe('densityRows', () => {
  it('gives one row per benchmark and an AVERAGE headline, with the densities of the closed-form inverse', () => {
    const rows = densityRows(version, calibration, subject({ arc_easy: { score: 0.6, source: 'run:a' }, hellaswag: { score: 0.7, source: 'run:a' } }));
    expect(rows.map((r) => r.benchmark)).toEqual(['arc_easy', 'hellaswag', AVERAGE]);
    const [arc, hella, head] = rows;
    expect(arc).toMatchObject({ fitVersionId: 'v1', referenceId: 'r1', subjectKind: 'model', metric: 'acc', score: 0.6, scoreSource: 'run:a', undefinedReason: null });
    expect(arc.density! / (effectiveParams(0.6) / 1e6) - 1).toBeCloseTo(0, 8);
    expect(hella.metric).toBe('acc_norm');
    expect(hella.effectiveParams! / effectiveParams(0.7) - 1).toBeCloseTo(0, 8);
    // The headline inverts the mean score (0.65) through the AVERAGE curves (the same curves here).
    expect(head).toMatchObject({ metric: null, score: expect.closeTo(0.65, 12), scoreSource: 'run:a' });
    expect(head.effectiveParams! / effectiveParams(0.65) - 1).toBeCloseTo(0, 8);
  });

  it('stores no number where the method gives none: chance level, missing scores; mixed sources on the headline', () => {
    const rows = densityRows(version, calibration, subject({ arc_easy: { score: 0.2, source: 'import:x' } }));
    expect(rows[0]).toMatchObject({ score: 0.2, density: null, effectiveParams: null, lossHat: null, undefinedReason: 'SCORE_AT_OR_BELOW_CHANCE' });
    expect(rows[1]).toMatchObject({ score: null, scoreSource: null, density: null, undefinedReason: 'MISSING_SCORE' });
    expect(rows[2]).toMatchObject({ score: null, density: null, undefinedReason: 'MISSING_SCORE' });
    expect(rows[2].message).toContain('hellaswag');
    const mixed = densityRows(version, calibration, subject({ arc_easy: { score: 0.6, source: 'run:a' }, hellaswag: { score: 0.96, source: 'import:b' } }));
    expect(mixed[1]).toMatchObject({ density: null, undefinedReason: 'SCORE_AT_OR_ABOVE_CEILING' });
    expect(mixed[2].scoreSource).toBe('mixed');
  });

  it('tells subjects with a calibrated score from those without', () => {
    expect(hasAnyCalibratedScore(calibration, subject({ mmlu: { score: 0.5, source: 'run:a' } }))).toBe(false);
    expect(hasAnyCalibratedScore(calibration, subject({ hellaswag: { score: 0.5, source: 'run:a' } }))).toBe(true);
  });

  it('refuses a stored calibration of another schema version', () => {
    const stored = JSON.parse(JSON.stringify(calibration));
    expect(readCalibration(stored)).toEqual(calibration);
    stored.schemaVersion = 99;
    try {
      readCalibration(stored);
      throw new Error('expected a DensityException');
    } catch (err) {
      expect(err).toBeInstanceOf(DensityException);
      expect((err as DensityException).code).toBe(DensityErrorCode.UnsupportedSchema);
    }
  });
});
