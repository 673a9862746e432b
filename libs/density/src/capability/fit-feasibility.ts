import { DensityErrorCode, DensityException } from '../density.exception';
import { LOSS_FIT_NEEDS } from '../curves/loss-curve';
import { SIGMOID_FIT_NEEDS } from '../curves/sigmoid';
import { distinctCount } from '../fitting/data-checks';

/** A member of a reference family before anything is measured: its role, size N and training tokens D. */
export interface FamilyMemberPlan {
  id: string;
  /** 'loss': Step 1 (Eq. 2) only; 'performance': Step 2 (Eq. 3) only; 'both'. */
  role: 'loss' | 'performance' | 'both';
  params: number;
  tokens: number | null;
}

export interface FeasibilityProblem {
  code: DensityErrorCode;
  message: string;
}

/**
 * Why calibrateReference must fail on this family whatever its members measure, from the members alone: every member
 * gives at most one point per benchmark to each curve, so too few loss-family members, a single size N or token count
 * D, or too few performance-family members can be known before any run. Empty when the fit is possible (the measured
 * values may still be degenerate or non-monotone: the fit itself tells).
 */
export function twoStepFitProblems(members: readonly FamilyMemberPlan[]): FeasibilityProblem[] {
  const problems: FeasibilityProblem[] = [];
  const loss = members.filter((m) => m.role !== 'performance');
  const noTokens = loss.filter((m) => !(typeof m.tokens === 'number' && m.tokens > 0 && Number.isFinite(m.tokens)));
  if (noTokens.length > 0) {
    problems.push({
      code: DensityErrorCode.InvalidInput,
      message: `the loss curve (Eq. 2) needs the training tokens D of every member of role loss or both; missing for ${noTokens.map((m) => m.id).join(', ')}`,
    });
  }
  const lossPoints = LOSS_FIT_NEEDS.parameters + 1;
  if (loss.length < lossPoints) {
    problems.push({
      code: DensityErrorCode.InsufficientData,
      message: `the loss curve (Eq. 2) needs at least ${lossPoints} members of role loss or both (one point each per benchmark), the family has ${loss.length}`,
    });
  }
  const sizes = distinctCount(loss.map((m) => m.params));
  if (loss.length > 0 && sizes < LOSS_FIT_NEEDS.distinctParams) {
    problems.push({
      code: DensityErrorCode.DegenerateData,
      message: `the loss curve (Eq. 2) needs at least ${LOSS_FIT_NEEDS.distinctParams} distinct model sizes N among members of role loss or both, the family has ${sizes}`,
    });
  }
  const withTokens = loss.filter((m) => !noTokens.includes(m));
  const tokenCounts = distinctCount(withTokens.map((m) => m.tokens as number));
  if (withTokens.length > 0 && tokenCounts < LOSS_FIT_NEEDS.distinctTokens) {
    problems.push({
      code: DensityErrorCode.DegenerateData,
      message:
        `the loss curve (Eq. 2) needs at least ${LOSS_FIT_NEEDS.distinctTokens} distinct token counts D among members of role loss or both ` +
        `(with a single D, b and β cannot be told apart), the family has ${tokenCounts}`,
    });
  }
  const performance = members.filter((m) => m.role !== 'loss');
  const perfPoints = SIGMOID_FIT_NEEDS.parameters + 1;
  if (performance.length < perfPoints) {
    problems.push({
      code: DensityErrorCode.InsufficientData,
      message:
        `the performance curve (Eq. 3) needs at least ${perfPoints} members of role performance or both ` +
        `(with ${SIGMOID_FIT_NEEDS.distinctX} distinct losses), the family has ${performance.length}`,
    });
  }
  return problems;
}

/** Throws the DensityException the fit would (the first problem's code), naming every problem, unless the family can be fitted. */
export function assertTwoStepFitFeasible(members: readonly FamilyMemberPlan[], family: string): void {
  const problems = twoStepFitProblems(members);
  if (problems.length === 0) return;
  throw new DensityException(
    problems[0].code,
    `reference family "${family}" cannot be fitted whatever its members measure: ${problems.map((p) => p.message).join('; ')}`,
    { problems },
  );
}
