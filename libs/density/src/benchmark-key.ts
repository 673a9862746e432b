/**
 * The name densities use for a benchmark run with k few-shot examples: the task name for zero-shot, else
 * "<task>@<k>-shot" (mmlu@5-shot). A 5-shot score is not a 0-shot score: reference curves, run scores and
 * imported scores are matched on this key, never on the task name alone.
 */
export function benchmarkKey(name: string, numFewshot: number | null | undefined): string {
  return numFewshot && numFewshot > 0 ? `${name}@${numFewshot}-shot` : name;
}

/** The inverse of benchmarkKey: "mmlu@5-shot" → { name: "mmlu", numFewshot: 5 }. */
export function parseBenchmarkKey(key: string): { name: string; numFewshot: number } {
  const m = /^(.+)@(\d+)-shot$/.exec(key);
  return m ? { name: m[1], numFewshot: Number(m[2]) } : { name: key, numFewshot: 0 };
}
