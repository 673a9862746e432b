import { invalidInput } from '@app/contracts';
import { assertTwoStepFitFeasible, benchmarkKey } from '@app/density';
import type { MemberWithModel } from '@app/database';
import type { BenchmarkRequestDto } from '../../runs/dto/create-run.dto';
import type { PlannedGroup, PlannedTask } from '../../runs/run-plan';

type Role = 'loss' | 'performance' | 'both';

/** The key each requested benchmark is fitted under (benchmarkKey: a group's few-shot count is its leaves'). */
export function calibrationKeys(requested: readonly BenchmarkRequestDto[], planned: { tasks: PlannedTask[]; groups: PlannedGroup[] }): string[] {
  return requested.map((b) => {
    const group = planned.groups.find((g) => g.name === b.name);
    const task = planned.tasks.find((t) => t.name === b.name);
    return benchmarkKey(b.name, group ? group.numFewshot : task?.numFewshot);
  });
}

/**
 * Whether a member's numbers on every key are given, so running it would change nothing (given numbers win over
 * measured ones, as in POST …/fit): a loss-role member needs its losses, the others their losses and scores.
 */
export function fullyGiven(member: Pick<MemberWithModel, 'role' | 'measurements'>, keys: readonly string[]): boolean {
  return keys.every((k) => {
    const given = member.measurements[k];
    return given?.loss !== undefined && (member.role === 'loss' || given.score !== undefined);
  });
}

/**
 * Which members a calibration runs, refusing up front (nothing written) what can be known before any run: a loss-role
 * member without training tokens, a member to run whose backend cannot run (imported models), a family with nothing
 * to measure, and a family the two-step fit must refuse whatever is measured (too few members, sizes or token counts:
 * the density library's DensityException, 422).
 */
export function planCalibration(
  family: string,
  members: readonly MemberWithModel[],
  keys: readonly string[],
  isRunnable: (m: MemberWithModel['model']) => boolean,
): { measured: MemberWithModel[]; given: MemberWithModel[] } {
  const noTokens = members.filter((m) => m.role !== 'performance' && !(m.model.trainingTokens && m.model.trainingTokens > 0));
  if (noTokens.length > 0) {
    throw invalidInput(
      `the loss curve (Eq. 2) needs N and D: ${noTokens.map((m) => `"${m.model.name}" (role ${m.role})`).join(', ')} ha${noTokens.length > 1 ? 've' : 's'} no trainingTokens`,
      { modelIds: noTokens.map((m) => m.modelId) },
    );
  }
  const measured = members.filter((m) => !fullyGiven(m, keys));
  const given = members.filter((m) => fullyGiven(m, keys));
  const stuck = measured.filter((m) => !isRunnable(m.model));
  if (stuck.length > 0) {
    throw invalidInput(
      `a calibration runs every member whose numbers on ${keys.join(', ')} are not all given, and ` +
        `${stuck.map((m) => `"${m.model.name}" (backend "${m.model.backend.kind}")`).join(', ')} cannot run: ` +
        'imported models carry published scores only; give their measurements or register a runnable model',
      { modelIds: stuck.map((m) => m.modelId) },
    );
  }
  if (measured.length === 0) {
    throw invalidInput(`every member's numbers on ${keys.join(', ')} are given: nothing to measure; POST …/fit fits the family from them`);
  }
  assertTwoStepFitFeasible(
    members.map((m) => ({ id: m.model.name, role: m.role as Role, params: m.model.paramsTotal, tokens: m.model.trainingTokens })),
    family,
  );
  return { measured, given };
}
