import { DensityErrorCode, DensityException } from '../density.exception';
import { FamilyMemberPlan, assertTwoStepFitFeasible, twoStepFitProblems } from './fit-feasibility';
import { calibrateReference } from './reference-calibration';
import { syntheticFamily } from '../__tests__/synthetic-family';

const member = (id: string, params: number, tokens: number | null, role: FamilyMemberPlan['role'] = 'both'): FamilyMemberPlan => ({ id, role, params, tokens });
const grid = (n: number): FamilyMemberPlan[] => Array.from({ length: n }, (_, i) => member(`m${i}`, 1e7 * (i + 1), 1e9 * (1 + (i % 2))));

describe('two-step fit feasibility from the members alone', () => {
  it('accepts a family that gives each curve enough points, sizes and token counts', () => {
    expect(twoStepFitProblems(grid(5))).toEqual([]);
    expect(() => assertTwoStepFitFeasible(grid(5), 'ok')).not.toThrow();
  });

  it('refuses two members with the reason for each curve (insufficient data first)', () => {
    const problems = twoStepFitProblems([member('stories260K', 292_800, 1e9), member('tiny-random', 1e6, 2e9)]);
    expect(problems.map((p) => p.code)).toEqual([DensityErrorCode.InsufficientData, DensityErrorCode.InsufficientData]);
    expect(problems[0].message).toContain('needs at least 5 members of role loss or both');
    expect(problems[1].message).toContain('the performance curve (Eq. 3) needs at least 5 members');
    let thrown: unknown;
    try {
      assertTwoStepFitFeasible([member('a', 1, 1), member('b', 2, 2)], 'tiny');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DensityException);
    expect(thrown).toMatchObject({ code: DensityErrorCode.InsufficientData, details: { problems: expect.any(Array) } });
    expect((thrown as Error).message).toMatch(/^reference family "tiny" cannot be fitted whatever its members measure: the loss curve/);
  });

  it('refuses a single model size or a single token count among the loss family', () => {
    const oneSize = grid(5).map((m) => ({ ...m, params: 1e8 }));
    expect(twoStepFitProblems(oneSize)).toEqual([{ code: DensityErrorCode.DegenerateData, message: expect.stringContaining('distinct model sizes N') }]);
    const oneD = grid(5).map((m) => ({ ...m, tokens: 3e11 }));
    expect(twoStepFitProblems(oneD)).toEqual([{ code: DensityErrorCode.DegenerateData, message: expect.stringContaining('distinct token counts D') }]);
  });

  it('counts each curve\'s own members: performance-only members feed Eq. 3, loss-only members Eq. 2', () => {
    const loss = grid(5).map((m) => ({ ...m, role: 'loss' as const }));
    expect(twoStepFitProblems(loss)).toEqual([{ code: DensityErrorCode.InsufficientData, message: expect.stringContaining('performance curve (Eq. 3)') }]);
    const perf = [...loss, ...[1, 2, 3, 4, 5].map((i) => member(`p${i}`, 1e9, null, 'performance'))];
    expect(twoStepFitProblems(perf)).toEqual([]);
  });

  it('refuses loss-family members without training tokens', () => {
    const family = [...grid(5), member('no-d', 3e8, null)];
    expect(twoStepFitProblems(family)).toEqual([{ code: DensityErrorCode.InvalidInput, message: expect.stringContaining('missing for no-d') }]);
  });

  it('agrees with the fit: what it accepts, calibrateReference fits on good data; one member less, the fit refuses too', () => {
    const input = syntheticFamily();
    const five = { ...input, lossModels: input.lossModels.slice(0, 5), performanceModels: input.performanceModels.slice(0, 5) };
    const plans = [
      ...five.lossModels.map((m) => member(m.id, m.params, m.tokens, 'loss')),
      ...five.performanceModels.map((m) => member(m.id, 1e9, null, 'performance')),
    ];
    expect(twoStepFitProblems(plans)).toEqual([]);
    expect(() => calibrateReference(five)).not.toThrow();
    const four = { ...five, lossModels: five.lossModels.slice(0, 4) };
    expect(twoStepFitProblems(plans.slice(1))[0].code).toBe(DensityErrorCode.InsufficientData);
    expect(() => calibrateReference(four)).toThrow(expect.objectContaining({ code: DensityErrorCode.InsufficientData }));
  });
});
