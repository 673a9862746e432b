/**
 * Runs model-written programs (HumanEval, MBPP) for the pass@k metrics. The real implementation is
 * the sandbox in libs/sandbox (separate process, no network, CPU/memory/time/output limits); the
 * engine only needs this interface, injected into scoreSample.
 */
export interface CodeExecutor {
  /** Executes `program` (Python source: candidate + "\n" + tests); `passed` iff it exits cleanly. */
  run(program: string, opts: { timeoutMs: number }): Promise<{ passed: boolean; result: string }>;
}

/** HF evaluate's code_eval default timeout (seconds 3.0). */
export const DEFAULT_CODE_TIMEOUT_MS = 3000;

/**
 * The unbiased pass@k estimator (Chen et al. 2021; HF code_eval `estimate_pass_at_k`):
 * 1 − C(n−c, k) / C(n, k), computed as 1 − ∏_{i=n−c+1}^{n} (1 − k/i), and 1.0 when n − c < k.
 */
export function estimatePassAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 0 || c < 0 || c > n || k < 1) {
    throw new Error(`pass@k needs integers 0 <= c <= n and k >= 1, got n=${n} c=${c} k=${k}`);
  }
  if (n - c < k) return 1.0;
  let prod = 1.0;
  for (let i = n - c + 1; i <= n; i++) prod *= 1.0 - k / i;
  return 1.0 - prod;
}

export interface ProgramResult {
  program: string;
  passed: boolean;
  result: string;
}

/**
 * HF code_eval for one problem: each candidate runs as `candidate + "\n" + test`; returns the
 * results and pass@k for every k with n >= k (code_eval omits the others).
 */
export async function evaluateCandidates(
  candidates: readonly string[],
  test: string,
  ks: readonly number[],
  executor: CodeExecutor,
  timeoutMs: number,
): Promise<{ passAtK: Record<number, number>; results: ProgramResult[] }> {
  const results: ProgramResult[] = [];
  for (const candidate of candidates) {
    const program = `${candidate}\n${test}`;
    // A failing program is a result ({passed: false}); an exception is the sandbox failing, and propagates.
    const r = await executor.run(program, { timeoutMs });
    results.push({ program, passed: r.passed, result: r.result });
  }
  const n = results.length;
  const c = results.filter((r) => r.passed).length;
  const passAtK: Record<number, number> = {};
  for (const k of ks) if (n >= k) passAtK[k] = estimatePassAtK(n, c, k);
  return { passAtK, results };
}
