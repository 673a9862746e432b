import { DomainException } from '@app/contracts';
import { DensityErrorCode, DensityException } from '@app/density';
import type { MemberWithModel } from '@app/database';
import { calibrationKeys, fullyGiven, planCalibration } from '../calibration-plan';

let n = 0;
function member(name: string, over: { role?: string; params?: number; tokens?: number | null; kind?: string; measurements?: MemberWithModel['measurements'] } = {}): MemberWithModel {
  const modelId = `00000000-0000-0000-0000-${String(++n).padStart(12, '0')}`;
  return {
    id: modelId,
    referenceId: 'ref',
    modelId,
    role: over.role ?? 'both',
    measurements: over.measurements ?? {},
    model: {
      id: modelId,
      name,
      paramsTotal: over.params ?? 1e7 * n,
      trainingTokens: over.tokens === undefined ? 1e9 * (1 + (n % 2)) : over.tokens,
      backend: { kind: over.kind ?? 'llama-cpp', path: `${name}.gguf` },
    },
  } as unknown as MemberWithModel;
}
const runnable = (m: MemberWithModel['model']) => (m.backend.kind as string) !== 'imported';
const given = (loss: number, score?: number) => ({ arc_easy: { loss, ...(score === undefined ? {} : { score }) } });
const refusal = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
};

describe('the benchmark keys of a calibration', () => {
  it('keys tasks and groups by their few-shot count (zero-shot keeps the plain name)', () => {
    const planned = {
      tasks: [{ name: 'arc_easy', numFewshot: 0, limit: 20, total: 20 }, { name: 'mmlu_anatomy', numFewshot: 5, limit: null, total: 135 }],
      groups: [{ name: 'mmlu', leaves: ['mmlu_anatomy'], numFewshot: 5, total: 135 }],
    };
    expect(calibrationKeys([{ name: 'arc_easy', limit: 20 }, { name: 'mmlu', numFewshot: 5 }], planned)).toEqual(['arc_easy', 'mmlu@5-shot']);
  });
});

describe('which members a calibration runs, and what it refuses up front', () => {
  it('runs the members whose numbers are not all given; a loss-role member needs only its losses', () => {
    expect(fullyGiven({ role: 'loss', measurements: given(2.1) }, ['arc_easy'])).toBe(true);
    expect(fullyGiven({ role: 'both', measurements: given(2.1) }, ['arc_easy'])).toBe(false);
    expect(fullyGiven({ role: 'performance', measurements: given(2.1, 0.4) }, ['arc_easy'])).toBe(true);
    expect(fullyGiven({ role: 'both', measurements: given(2.1, 0.4) }, ['arc_easy', 'piqa'])).toBe(false);
    const family = [member('a', { measurements: given(2, 0.3) }), member('b', { measurements: given(1.8, 0.4) }), member('c', { measurements: given(1.6, 0.5) }), member('tiny-1'), member('tiny-2')];
    const plan = planCalibration('fam', family, ['arc_easy'], runnable);
    expect(plan.measured.map((m) => m.model.name)).toEqual(['tiny-1', 'tiny-2']);
    expect(plan.given.map((m) => m.model.name)).toEqual(['a', 'b', 'c']);
  });

  it('refuses a family too small to fit (two members), with the reason for each curve', () => {
    const err = refusal(() => planCalibration('tiny', [member('stories260K'), member('llama-2-tiny-random')], ['arc_easy'], runnable));
    expect(err).toBeInstanceOf(DensityException);
    expect(err).toMatchObject({ code: DensityErrorCode.InsufficientData });
    expect(err.message).toContain('reference family "tiny" cannot be fitted whatever its members measure');
  });

  it('refuses one token count for the whole loss family', () => {
    const family = [1, 2, 3, 4, 5].map((i) => member(`m${i}`, { tokens: 3e11 }));
    expect(refusal(() => planCalibration('one-d', family, ['arc_easy'], runnable))).toMatchObject({ code: DensityErrorCode.DegenerateData });
  });

  it('refuses a member to run whose backend cannot run (an imported model), naming it', () => {
    const family = [1, 2, 3, 4].map((i) => member(`m${i}`)).concat(member('published-only', { kind: 'imported' }));
    const err = refusal(() => planCalibration('fam', family, ['arc_easy'], runnable));
    expect(err).toBeInstanceOf(DomainException);
    expect(err.message).toContain('"published-only" (backend "imported") cannot run');
  });

  it('accepts an imported member whose numbers are all given: it is not run', () => {
    const family = [1, 2, 3, 4].map((i) => member(`m${i}`)).concat(member('published', { kind: 'imported', measurements: given(1.5, 0.6) }));
    expect(planCalibration('fam', family, ['arc_easy'], runnable).given.map((m) => m.model.name)).toEqual(['published']);
  });

  it('refuses a loss-role member without training tokens, and a family with nothing to measure', () => {
    const noD = [1, 2, 3, 4].map((i) => member(`m${i}`)).concat(member('no-d', { role: 'loss', tokens: null }));
    expect(refusal(() => planCalibration('fam', noD, ['arc_easy'], runnable)).message).toContain('"no-d" (role loss) has no trainingTokens');
    const allGiven = [1, 2, 3, 4, 5].map((i) => member(`m${i}`, { measurements: given(2 - i / 10, 0.3 + i / 20) }));
    expect(refusal(() => planCalibration('fam', allGiven, ['arc_easy'], runnable)).message).toContain('nothing to measure');
  });
});
